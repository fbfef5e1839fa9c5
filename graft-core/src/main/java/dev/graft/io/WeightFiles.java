package dev.graft.io;

import dev.graft.GraftException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry point for state-dict files whatever their format: safetensors or torch.save
 * (zip or legacy), recognised by content rather than by name, so a {@code .bin} or
 * {@code .ckpt} file is read as well as a {@code .pth}. Writing picks the format from the
 * extension: {@code .safetensors} gives safetensors, anything else a torch.save zip file.
 */
public final class WeightFiles {
    private WeightFiles() {}

    public static LinkedHashMap<String, TensorData> read(Path file) {
        return isSafetensors(file) ? Safetensors.read(file) : TorchFiles.read(file);
    }

    public static void write(Path file, Map<String, TensorData> stateDict) {
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".safetensors")) {
            Safetensors.write(file, stateDict, null);
        } else {
            TorchFiles.write(file, stateDict);
        }
    }

    /**
     * A safetensors file starts with a little-endian header length and then '{' (a zip starts
     * with "PK", a torch pickle with 0x80); a damaged length still names the format, so the
     * error can say what is wrong with it.
     */
    static boolean isSafetensors(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(9);
        } catch (IOException e) {
            throw new GraftException("Cannot read " + file + ": " + GraftException.reason(e) + ".", e);
        }
        return head.length >= 9 && head[8] == '{' && head[0] != 'P' && (head[0] & 0xff) != 0x80;
    }
}
