package dev.graft.data;

import dev.graft.GraftException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * MNIST and Fashion-MNIST in their IDX files ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-*}), gzipped or raw, as torchvision's
 * {@code MNIST} / {@code FashionMNIST} read them: big-endian magic (0, 0, type 0x08 = uint8,
 * number of dimensions), big-endian int32 sizes, then the bytes. The folder may hold the
 * files directly (Debian's {@code /usr/share/datasets/fashion-mnist}), in {@code raw/}, or in
 * torchvision's {@code <Name>/raw/}. Images stay 28x28 grey uint8 in memory.
 */
public final class IdxDataset {
    private IdxDataset() {}

    /** torchvision's MNIST.classes. */
    public static final List<String> MNIST_CLASSES = List.of("0 - zero", "1 - one", "2 - two",
            "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine");
    /** torchvision's FashionMNIST.classes. */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The training ({@code train-*}) or test ({@code t10k-*}) part found under {@code dir}. */
    public static InMemoryDataset load(Path dir, boolean train, List<String> classes, String name) {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        return read(images, labels, classes, name + ":" + images);
    }

    /** True when {@code dir} holds the training files in one of the accepted places. */
    public static boolean present(Path dir) {
        return locate(dir, "train-images-idx3-ubyte") != null;
    }

    static Path find(Path dir, String base) {
        Path p = locate(dir, base);
        if (p == null) {
            throw new GraftException("IDX data folder " + dir + " has no " + base + " (or " + base
                    + ".gz) in it, in raw/ or in <name>/raw/.");
        }
        return p;
    }

    private static Path locate(Path dir, String base) {
        List<Path> places = new ArrayList<>(List.of(dir, dir.resolve("raw")));
        if (Files.isDirectory(dir)) {
            try (var ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) if (Files.isDirectory(p.resolve("raw"))) places.add(p.resolve("raw"));
            } catch (IOException e) {
                // unlistable: only the fixed places are tried
            }
        }
        for (Path place : places) {
            for (String n : new String[] {base, base + ".gz"}) {
                if (Files.isRegularFile(place.resolve(n))) return place.resolve(n);
            }
        }
        return null;
    }

    /** Reads an images file and a labels file (each gzipped or raw). */
    public static InMemoryDataset read(Path imagesFile, Path labelsFile, List<String> classes, String name) {
        int[] dims;
        byte[] pixels;
        try (DataInputStream in = open(imagesFile)) {
            dims = header(in, imagesFile, 3);
            pixels = new byte[Math.multiplyExact(Math.multiplyExact(dims[0], dims[1]), dims[2])];
            in.readFully(pixels);
        } catch (EOFException e) {
            throw new GraftException("IDX file " + imagesFile + " is shorter than its header says.");
        } catch (IOException e) {
            throw new GraftException("Cannot read IDX file " + imagesFile + ": " + GraftException.reason(e), e);
        }
        int[] labels;
        try (DataInputStream in = open(labelsFile)) {
            int n = header(in, labelsFile, 1)[0];
            byte[] raw = new byte[n];
            in.readFully(raw);
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xff;
                if (labels[i] >= classes.size()) {
                    throw new GraftException("IDX label file " + labelsFile + " has label " + labels[i]
                            + " at " + i + ", but there are only " + classes.size() + " classes.");
                }
            }
        } catch (EOFException e) {
            throw new GraftException("IDX file " + labelsFile + " is shorter than its header says.");
        } catch (IOException e) {
            throw new GraftException("Cannot read IDX file " + labelsFile + ": " + GraftException.reason(e), e);
        }
        if (labels.length != dims[0]) {
            throw new GraftException("IDX files " + imagesFile + " and " + labelsFile + " disagree: "
                    + dims[0] + " images but " + labels.length + " labels.");
        }
        return new InMemoryDataset(name, classes, dims[2], dims[1], 1, pixels, labels);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) in = new GZIPInputStream(in, 1 << 16);
        return new DataInputStream(in);
    }

    private static int[] header(DataInputStream in, Path file, int ndim) throws IOException {
        int magic = in.readInt();
        if ((magic >>> 16) != 0 || ((magic >> 8) & 0xff) != 0x08 || (magic & 0xff) != ndim) {
            throw new GraftException(String.format("File %s is not an IDX uint8 file with %d dimension%s"
                    + " (magic 0x%08x, expected 0x%08x).", file, ndim, ndim == 1 ? "" : "s", magic, 0x800 | ndim));
        }
        int[] dims = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            dims[d] = in.readInt();
            if (dims[d] < 0) throw new GraftException("IDX file " + file + " has a negative size.");
        }
        return dims;
    }
}
