package dev.graft.data;

import dev.graft.GraftException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * STL-10 in its binary distribution ({@code stl10_binary/}), as torchvision's {@code STL10}
 * reads it: {@code train_X.bin}/{@code test_X.bin} hold 3x96x96 uint8 images as three
 * channel planes, each plane column-major (byte {@code c*9216 + col*96 + row}); labels in
 * {@code *_y.bin} are 1..10; {@code class_names.txt} names them; {@code fold_indices.txt}
 * has ten lines of 0-based train indices (torchvision's {@code folds=k}). Pixels are
 * transposed to HWC once at load and kept as uint8 (5,000 train images = 138 MB).
 * {@code unlabeled_X.bin} (100,000 images, 2.7 GB) is not loaded.
 */
public final class Stl10 {
    private Stl10() {}

    static final int SIDE = 96;
    static final int IMAGE_BYTES = 3 * SIDE * SIDE;

    /** {@code dir} itself or its {@code stl10_binary/}, whichever holds {@code train_X.bin}. */
    public static Path locate(Path dir) {
        if (Files.isRegularFile(dir.resolve("train_X.bin"))) return dir;
        if (Files.isRegularFile(dir.resolve("stl10_binary/train_X.bin"))) return dir.resolve("stl10_binary");
        throw new GraftException("STL-10 folder " + dir + " has no train_X.bin (in it or in stl10_binary/).");
    }

    /** Class names from {@code class_names.txt}, one a line. */
    public static List<String> classNames(Path dir) {
        Path f = locate(dir).resolve("class_names.txt");
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(f)) if (!l.isBlank()) out.add(l.strip());
            return out;
        } catch (IOException e) {
            throw new GraftException("Cannot read STL-10 class names " + f + ": " + GraftException.reason(e), e);
        }
    }

    /** Split {@code "train"} or {@code "test"}. */
    public static InMemoryDataset load(Path dir, String split) {
        Path d = locate(dir);
        List<String> classes = classNames(d);
        Path xf = d.resolve(split + "_X.bin"), yf = d.resolve(split + "_y.bin");
        byte[] labelBytes;
        try {
            labelBytes = Files.readAllBytes(yf);
        } catch (IOException e) {
            throw new GraftException("Cannot read STL-10 labels " + yf + ": " + GraftException.reason(e), e);
        }
        int n = labelBytes.length;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (labelBytes[i] & 0xff) - 1;
            if (labels[i] < 0 || labels[i] >= classes.size()) {
                throw new GraftException("STL-10 label file " + yf + " has label " + (labelBytes[i] & 0xff)
                        + " at " + i + "; labels must be 1.." + classes.size() + ".");
            }
        }
        byte[] hwc = new byte[Math.multiplyExact(n, IMAGE_BYTES)];
        try {
            long size = Files.size(xf);
            if (size != (long) n * IMAGE_BYTES) {
                throw new GraftException("STL-10 file " + xf + " has " + size + " bytes, expected "
                        + (long) n * IMAGE_BYTES + " for the " + n + " labels in " + yf.getFileName() + ".");
            }
            byte[] planes = new byte[IMAGE_BYTES];
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(xf), 1 << 20))) {
                for (int i = 0; i < n; i++) {
                    in.readFully(planes);
                    int base = i * IMAGE_BYTES;
                    for (int c = 0; c < 3; c++) {
                        for (int col = 0; col < SIDE; col++) {
                            int src = c * SIDE * SIDE + col * SIDE;
                            for (int row = 0; row < SIDE; row++) {
                                hwc[base + (row * SIDE + col) * 3 + c] = planes[src + row];
                            }
                        }
                    }
                }
            }
        } catch (EOFException e) {
            throw new GraftException("STL-10 file " + xf + " ends early.");
        } catch (IOException e) {
            throw new GraftException("Cannot read STL-10 images " + xf + ": " + GraftException.reason(e), e);
        }
        return new InMemoryDataset("stl10:" + xf, classes, SIDE, SIDE, 3, hwc, labels);
    }

    /** The 0-based train indices of fold {@code k} (0..9) from {@code fold_indices.txt}. */
    public static int[] foldIndices(Path dir, int k) {
        Path f = locate(dir).resolve("fold_indices.txt");
        try {
            List<String> lines = Files.readAllLines(f);
            if (k < 0 || k >= lines.size()) {
                throw new GraftException("STL-10 fold " + k + " does not exist: " + f + " has "
                        + lines.size() + " folds (0.." + (lines.size() - 1) + ").");
            }
            String line = lines.get(k).strip();
            if (line.isEmpty()) return new int[0];
            String[] parts = line.split("\\s+");
            int[] out = new int[parts.length];
            for (int i = 0; i < parts.length; i++) out[i] = Integer.parseInt(parts[i]);
            return out;
        } catch (IOException | NumberFormatException e) {
            throw new GraftException("Cannot read STL-10 folds " + f + ": " + GraftException.reason(e), e);
        }
    }
}
