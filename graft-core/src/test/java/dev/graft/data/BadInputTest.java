package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unreadable files are skipped with one warning each, listed with a reason, replaced
 * deterministically, and never stop an epoch; unusual but valid images are read.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    // 2x2 top-left crop so differently sized images batch together.
    static final ImageTransform CROP2 = (img, rng) -> {
        byte[] out = new byte[12];
        for (int y = 0; y < 2; y++) System.arraycopy(img.pixels(), y * img.width() * 3, out, y * 6, 6);
        return new RgbImage(2, 2, out);
    };

    private Path tree() throws IOException {
        Path root = tmp.resolve("data");
        for (int i = 0; i < 4; i++) Fixtures.png(root.resolve("cat/good" + i + ".png"), 8, 8, 10 + i);
        for (int i = 0; i < 4; i++) Fixtures.png(root.resolve("dog/good" + i + ".png"), 8, 8, 20 + i);
        Files.createFile(root.resolve("cat/a_empty.jpg"));
        Files.writeString(root.resolve("cat/b_text.jpg"), "this is not an image\n");
        byte[] rnd = new byte[2000];
        new Random(1).nextBytes(rnd);
        Files.write(root.resolve("dog/a_random.png"), rnd);
        // a truncated PNG: a noisy image so the pixel data is large, cut in the middle
        BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(2);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) noisy.setRGB(x, y, r.nextInt());
        Path full = Fixtures.write(tmp.resolve("noisy.png"), noisy, "png");
        byte[] b = Files.readAllBytes(full);
        Files.write(root.resolve("dog/b_truncated.png"), Arrays.copyOf(b, b.length / 2));
        return root;
    }

    private static List<String> batches(Dataset d, int workers, SkipList skips, int epochs) {
        List<String> out = new ArrayList<>();
        try (Loader l = Loader.builder(d).transform(CROP2).batchSize(5).shuffle(true).seed(9).workers(workers)
                .skipList(skips).build()) {
            for (int e = 0; e < epochs; e++) {
                for (Batch b : l.epoch(e)) out.add(Arrays.toString(b.indices()) + Arrays.toString(b.labels())
                        + Arrays.toString(b.data()));
            }
        }
        return out;
    }

    @Test
    void badFilesSkippedOnceWithReasonDeterministically() throws IOException {
        Path root = tree();
        ImageFolder f = new ImageFolder(root);
        assertEquals(12, f.size());
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        SkipList skips = new SkipList(warnings::add);
        List<String> two = batches(f, 2, skips, 2);
        assertEquals(4, warnings.size(), "one warning per bad file over two epochs: " + warnings);
        List<String> bad = new ArrayList<>();
        for (SkipList.Entry e : skips.entries()) bad.add(Path.of(e.path()).getFileName().toString());
        Collections.sort(bad);
        assertEquals(List.of("a_empty.jpg", "a_random.png", "b_text.jpg", "b_truncated.png"), bad);
        for (SkipList.Entry e : skips.entries()) assertTrue(!e.reason().isBlank(), e.toString());

        List<String> one = batches(f, 1, new SkipList(w -> {}), 2);
        assertEquals(one, two, "replacements do not depend on threads");
        // every batch is full (12 samples -> 5, 5, 2) and holds only readable images
        assertEquals(6, two.size());
        try (Loader l = Loader.builder(f).transform(CROP2).batchSize(12).workers(2).skipList(new SkipList(w -> {})).build()) {
            Batch b = l.epoch(0).next();
            // index order 0..11; bad: cat/a_empty (0), cat/b_text (1), dog/a_random (6), dog/b_truncated (7)
            // each replaced by the next readable index
            assertEquals("[2, 2, 2, 3, 4, 5, 8, 8, 8, 9, 10, 11]", Arrays.toString(b.indices()));
            assertEquals("[0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]", Arrays.toString(b.labels()));
        }

        Path txt = tmp.resolve("run/skipped.txt");
        skips.writeTo(txt);
        List<String> lines = Files.readAllLines(txt);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).contains("\t"));
    }

    @Test
    void lastBadFileWrapsToTheFirst() throws IOException {
        Path root = tmp.resolve("wrap");
        Fixtures.png(root.resolve("a/1.png"), 4, 4, 1);
        Fixtures.png(root.resolve("b/1.png"), 4, 4, 2);
        Files.createFile(root.resolve("b/2.png"));
        try (Loader l = Loader.builder(new ImageFolder(root)).transform(CROP2).batchSize(3).workers(2)
                .skipList(new SkipList(w -> {})).build()) {
            Batch b = l.epoch(0).next();
            assertEquals("[0, 1, 0]", Arrays.toString(b.indices()));
            assertEquals("[0, 1, 0]", Arrays.toString(b.labels()));
        }
    }

    @Test
    void nothingReadableIsAnError() throws IOException {
        Path root = tmp.resolve("allbad");
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        Files.createFile(root.resolve("a/x.jpg"));
        Files.writeString(root.resolve("b/y.png"), "text");
        try (Loader l = Loader.builder(new ImageFolder(root)).batchSize(2).workers(1)
                .skipList(new SkipList(w -> {})).build()) {
            GraftException e = assertThrows(GraftException.class, () -> l.epoch(0).next());
            assertTrue(e.getMessage().contains("none of the 2 images could be read ("), e.getMessage());
        }
        try (Loader l = Loader.builder(new ImageFolder(root)).batchSize(2).workers(1).forTraining()
                .skipList(new SkipList(w -> {})).build()) {
            GraftException e = assertThrows(GraftException.class, () -> l.epoch(0).next());
            assertTrue(e.getMessage().contains("none of the 2 training images could be read ("),
                    "a training loader says which images it tried: " + e.getMessage());
        }
    }

    @Test
    void unusualButValidImagesAreRead() throws IOException {
        Path root = tmp.resolve("odd");
        BufferedImage grey = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgba = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
        BufferedImage palette = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_INDEXED);
        BufferedImage grey16 = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
        Fixtures.write(root.resolve("a/grey.png"), grey, "png");
        Fixtures.write(root.resolve("a/rgba.png"), rgba, "png");
        Fixtures.write(root.resolve("b/palette.png"), palette, "png");
        Fixtures.write(root.resolve("b/grey16.png"), grey16, "png");
        Fixtures.write(root.resolve("b/grey.bmp"), grey, "bmp");
        List<String> warnings = new ArrayList<>();
        try (Loader l = Loader.builder(new ImageFolder(root)).batchSize(5).workers(2)
                .skipList(new SkipList(warnings::add)).build()) {
            Batch b = l.epoch(0).next();
            assertEquals("[0, 1, 2, 3, 4]", Arrays.toString(b.indices()));
        }
        assertEquals(List.of(), warnings);
    }
}
