package dev.graft.io;

import dev.graft.GraftException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes the files {@code torch.save} produces, so state dicts and checkpoints move
 * between Graft and PyTorch untouched. Reading accepts the zip format (torch >= 1.6) and the
 * legacy format (older torch, still used by some torchvision downloads), told apart by their
 * first bytes. Writing always produces the zip format, laid out as torch does (archive folder
 * named after the file stem, {@code data.pkl}, {@code data/<key>} stored uncompressed and
 * 64-byte aligned, {@code version}, {@code byteorder}). Nothing in a file is executed: only
 * tensors, dicts, lists and plain values are understood.
 */
public final class TorchFiles {
    /** Keys under which training scripts commonly nest the model's state dict in a checkpoint. */
    private static final List<String> NESTED_KEYS = List.of("state_dict", "model_state_dict", "model");
    private static final int ALIGNMENT = 64;

    private TorchFiles() {}

    /**
     * Reads a state dict (parameter name to tensor) in file order. If the file holds a
     * checkpoint dict whose {@code state_dict}, {@code model_state_dict} or {@code model}
     * entry is a dict of tensors, that inner dict is returned.
     */
    @SuppressWarnings("unchecked")
    public static LinkedHashMap<String, TensorData> read(Path file) {
        Object obj = TorchReader.load(file, top -> stateDictOf(file, top));
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
        ((Map<Object, Object>) obj).forEach((k, v) -> out.put(String.valueOf(k), (TensorData) v));
        return out;
    }

    /**
     * Reads any pickled value made of dicts, lists, tuples, ints, floats, strings, booleans,
     * None and tensors, as {@code Map} (LinkedHashMap), {@code List}, {@code Long},
     * {@code Double}, {@code String}, {@code Boolean}, {@code null} and {@link TensorData}.
     * Python ints beyond 64 bits come back as {@code BigInteger}, bytes as {@code byte[]}.
     */
    public static Object readObject(Path file) {
        return TorchReader.load(file, top -> top);
    }

    /** Writes a state dict as {@code torch.save(OrderedDict)} would. */
    public static void write(Path file, Map<String, TensorData> stateDict) {
        writePickle(file, stateDict, true);
    }

    /**
     * Writes a nested value (Map, List, String, Long/Integer, Double/Float, Boolean, null,
     * TensorData) as {@code torch.save} would; maps become Python dicts.
     */
    public static void writeObject(Path file, Object value) {
        writePickle(file, value, false);
    }

    private static void writePickle(Path file, Object value, boolean ordered) {
        Pickler pickler = new Pickler();
        byte[] pkl;
        try {
            pkl = pickler.pickle(value, ordered);
        } catch (IllegalArgumentException e) {
            throw new GraftException("Cannot write " + file + ": " + GraftException.reason(e) + ".", e);
        }
        String archive = stem(file);
        LinkedHashMap<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", pkl);
        records.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        List<TensorData> storages = pickler.storages();
        for (int i = 0; i < storages.size(); i++) records.put("data/" + i, storages.get(i).data());
        records.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
        try {
            AtomicFiles.write(file, raw -> writeArchive(raw, archive, records));
        } catch (IOException e) {
            throw new GraftException("Cannot write " + file + ": " + GraftException.reason(e) + ".", e);
        }
    }

    /**
     * Writes a PyTorch zip archive: each record stored uncompressed under {@code prefix/} with its
     * data on a 64-byte boundary, as torch.save and torch.jit.save lay them out.
     */
    public static void writeArchive(OutputStream out, String prefix, Map<String, byte[]> records) throws IOException {
        CountingStream counting = new CountingStream(out);
        try (ZipOutputStream zip = new ZipOutputStream(counting)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                entry(zip, counting, prefix + "/" + r.getKey(), r.getValue());
            }
        }
    }

    /** A stored (uncompressed) entry whose data starts on a 64-byte boundary, as torch writes them. */
    private static void entry(ZipOutputStream zip, CountingStream counting, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(315576000000L + 86_400_000L); // fixed DOS-range time, so equal content gives equal files
        long headerEnd = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
        int pad = (int) ((ALIGNMENT - headerEnd % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F'; // torch's own padding field id "FB"
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >> 8);
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static Object stateDictOf(Path file, Object top) {
        if (isTensorDict(top)) return top;
        if (top instanceof Map<?, ?> m) {
            for (String key : NESTED_KEYS) if (isTensorDict(m.get(key))) return m.get(key);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof Unpickler.TensorRef)) {
                    throw new GraftException("The file " + file + " is not a state dict: entry '" + e.getKey() + "' holds "
                            + Unpickler.describe(e.getValue()) + " instead of a tensor, and no state_dict, "
                            + "model_state_dict or model entry holds one.");
                }
            }
        }
        throw new GraftException("The file " + file + " holds " + Unpickler.describe(top) + " instead of a state dict.");
    }

    private static boolean isTensorDict(Object o) {
        if (!(o instanceof Map<?, ?> m)) return false;
        for (Object v : m.values()) if (!(v instanceof Unpickler.TensorRef)) return false;
        return true;
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) { super(out); }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
