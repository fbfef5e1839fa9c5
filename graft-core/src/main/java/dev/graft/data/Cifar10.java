package dev.graft.data;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in its binary distribution ({@code cifar-10-batches-bin/}): {@code data_batch_1..5.bin}
 * and {@code test_batch.bin}, each a run of 3,073-byte records (label byte, then 1024 R,
 * 1024 G, 1024 B bytes of a row-major 32x32 image). Class names come from
 * {@code batches.meta.txt} when present. Pixels are kept as uint8 HWC in memory (50,000
 * train images = 154 MB).
 */
public final class Cifar10 {
    private Cifar10() {}

    /** The names in torchvision's CIFAR10 (and batches.meta.txt). */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");
    static final int RECORD = 1 + 3 * 1024;

    /** {@code dir} itself or its {@code cifar-10-batches-bin/}, whichever holds test_batch.bin. */
    public static Path locate(Path dir) {
        if (Files.isRegularFile(dir.resolve("test_batch.bin"))) return dir;
        if (Files.isRegularFile(dir.resolve("cifar-10-batches-bin/test_batch.bin"))) {
            return dir.resolve("cifar-10-batches-bin");
        }
        throw new GraftException("CIFAR-10 folder " + dir
                + " has no test_batch.bin (in it or in cifar-10-batches-bin/).");
    }

    public static List<String> classNames(Path dir) {
        Path meta = locate(dir).resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) return CLASSES;
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(meta)) if (!l.isBlank()) out.add(l.strip());
            return out;
        } catch (IOException e) {
            throw new GraftException("Cannot read CIFAR-10 class names " + meta + ": " + GraftException.reason(e), e);
        }
    }

    /** The five training batches (train) or the test batch. */
    public static InMemoryDataset load(Path dir, boolean train) {
        Path d = locate(dir);
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int b = 1; b <= 5; b++) files.add(d.resolve("data_batch_" + b + ".bin"));
        } else {
            files.add(d.resolve("test_batch.bin"));
        }
        List<String> classes = classNames(d);
        return read(files, classes, "cifar10:" + (train ? d.resolve("data_batch_*.bin") : files.get(0)));
    }

    /** Reads CIFAR-10 binary batch files, in order. */
    public static InMemoryDataset read(List<Path> files, List<String> classes, String name) {
        List<byte[]> contents = new ArrayList<>();
        int n = 0;
        for (Path f : files) {
            byte[] b;
            try {
                b = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new GraftException("Cannot read CIFAR-10 batch " + f + ": " + GraftException.reason(e), e);
            }
            if (b.length % RECORD != 0) {
                throw new GraftException("CIFAR-10 batch " + f + " has " + b.length
                        + " bytes, not a multiple of the 3,073-byte record.");
            }
            contents.add(b);
            n += b.length / RECORD;
        }
        byte[] hwc = new byte[Math.multiplyExact(n, 3072)];
        int[] labels = new int[n];
        int i = 0;
        for (int fi = 0; fi < contents.size(); fi++) {
            byte[] b = contents.get(fi);
            for (int r = 0; r < b.length; r += RECORD, i++) {
                labels[i] = b[r] & 0xff;
                if (labels[i] >= classes.size()) {
                    throw new GraftException("CIFAR-10 batch " + files.get(fi) + " has label " + labels[i]
                            + " in record " + r / RECORD + "; there are " + classes.size() + " classes.");
                }
                int dst = i * 3072;
                for (int p = 0; p < 1024; p++) {
                    hwc[dst + 3 * p] = b[r + 1 + p];
                    hwc[dst + 3 * p + 1] = b[r + 1 + 1024 + p];
                    hwc[dst + 3 * p + 2] = b[r + 1 + 2048 + p];
                }
            }
        }
        return new InMemoryDataset(name, classes, 32, 32, 3, hwc, labels);
    }
}
