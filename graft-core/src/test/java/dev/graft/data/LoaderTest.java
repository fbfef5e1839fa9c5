package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching, seeded shuffles and augmentation independent of worker count, normalization. */
class LoaderTest {
    @TempDir
    Path tmp;

    /** 37 grey 6x5 images, pixel value = 3*index + x, labels index % 3. */
    static InMemoryDataset synthetic() {
        int n = 37, w = 6, h = 5;
        byte[] px = new byte[n * w * h];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) px[i * w * h + y * w + x] = (byte) (3 * i + x);
        }
        return new InMemoryDataset("syn", List.of("a", "b", "c"), w, h, 1, px, labels);
    }

    /** A random 4x3 crop and a random horizontal flip, drawing only from the given generator. */
    static final ImageTransform RANDOM_CROP_FLIP = (img, rng) -> {
        int cw = 4, ch = 3;
        int x0 = rng.nextInt(img.width() - cw + 1), y0 = rng.nextInt(img.height() - ch + 1);
        boolean flip = rng.nextDouble() < 0.5;
        byte[] out = new byte[cw * ch * 3];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int sx = x0 + (flip ? cw - 1 - x : x);
                System.arraycopy(img.pixels(), ((y0 + y) * img.width() + sx) * 3, out, (y * cw + x) * 3, 3);
            }
        }
        return new RgbImage(cw, ch, out);
    };

    private static List<String> run(Dataset d, int workers, int epoch, boolean dropLast) {
        List<String> out = new ArrayList<>();
        try (Loader l = Loader.builder(d).transform(RANDOM_CROP_FLIP).batchSize(8).shuffle(true).seed(42)
                .dropLast(dropLast).workers(workers).prefetch(3).build();
             Loader.Epoch e = l.epoch(epoch)) {
            for (Batch b : e) {
                out.add(Arrays.toString(b.indices()) + Arrays.toString(b.labels()) + Arrays.toString(b.data())
                        + Arrays.toString(b.shape()));
                b.close();
            }
        }
        return out;
    }

    @Test
    void sameBatchesWithOneAndTwoWorkers() {
        InMemoryDataset d = synthetic();
        List<String> one = run(d, 1, 3, false);
        assertEquals(one, run(d, 2, 3, false));
        assertEquals(one, run(d, 0, 3, false));
        assertEquals(5, one.size());
        assertNotEquals(one, run(d, 2, 4, false), "each epoch its own shuffle and augmentation");
        assertEquals(4, run(d, 2, 3, true).size(), "drop_last");
        assertEquals(one.subList(0, 4), run(d, 2, 3, true));
    }

    @Test
    void everySampleOncePerEpochWithItsLabel() {
        InMemoryDataset d = synthetic();
        try (Loader l = Loader.builder(d).batchSize(10).shuffle(true).seed(1).workers(2).build()) {
            int[] seen = new int[d.size()];
            int batches = 0;
            for (Batch b : l.epoch(0)) {
                batches++;
                for (int k = 0; k < b.size(); k++) {
                    seen[b.indices()[k]]++;
                    assertEquals(d.label(b.indices()[k]), b.labels()[k]);
                }
            }
            assertEquals(4, batches);
            assertEquals(4, l.batchesPerEpoch());
            for (int s : seen) assertEquals(1, s);
            assertFalse(Arrays.equals(l.order(0), l.order(1)));
        }
    }

    @Test
    void normalizesLikeTorchvision() {
        // torchvision: ToTensor()(img)[c] = v/255 in float32, then (x - mean[c]) / std[c] in float32.
        byte[] px = {0, (byte) 128, (byte) 255, 10, 20, 30};
        InMemoryDataset d = new InMemoryDataset("two", List.of("a", "b"), 2, 1, 3, px, new int[] {1});
        try (Loader l = Loader.builder(d).workers(0).build()) {
            Batch b = l.epoch(0).next();
            assertArrayEquals(new long[] {1, 3, 1, 2}, b.shape());
            // values printed by torch 1.13: Normalize(mean, std)(ToTensor()(PIL image)).flatten()
            float[] expected = {-2.1179039478302f, -1.9466564655303955f, 0.20518219470977783f, -1.6855741739273071f,
                2.640000104904175f, -1.2815686464309692f};
            assertArrayEquals(expected, b.data(), 0f);
        }
    }

    @Test
    void closeMidEpochStopsWorkers() throws InterruptedException {
        ImageTransform slow = (img, rng) -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return img;
        };
        Loader l = Loader.builder(synthetic()).transform(slow).batchSize(4).workers(2).prefetch(4).build();
        Loader.Epoch e = l.epoch(0);
        e.next();
        e.close();
        assertFalse(e.hasNext());
        l.close();
        Thread.sleep(50);
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("graft-loader-") && t.isAlive()), "workers stopped");
    }

    @Test
    void closingReleasesAWaitingConsumer() throws Exception {
        ImageTransform slow = (img, rng) -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return img;
        };
        Loader l = Loader.builder(synthetic()).transform(slow).batchSize(37).workers(1).build();
        Loader.Epoch e = l.epoch(0);
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                // test thread
            }
            l.close();
        });
        closer.start();
        assertThrows(IllegalStateException.class, e::next);
        closer.join();
        assertEquals(0, l.skipped().size(), "nothing marked bad by the shutdown");
    }

    @Test
    void mismatchedSizesAreAClearError() {
        ImageTransform bad = (img, rng) -> rng.nextBoolean() ? img : new RgbImage(1, 1, new byte[3]);
        try (Loader l = Loader.builder(synthetic()).transform(bad).batchSize(37).workers(2).build()) {
            GraftException ex = assertThrows(GraftException.class, () -> l.epoch(0).next());
            assertTrue(ex.getMessage().contains("same size"), ex.getMessage());
        }
    }

    @Test
    void sampleRandomDependsOnSeedEpochIndex() {
        long a = Loader.sampleRandom(1, 2, 3).nextLong();
        assertEquals(a, Loader.sampleRandom(1, 2, 3).nextLong());
        assertNotEquals(a, Loader.sampleRandom(1, 2, 4).nextLong());
        assertNotEquals(a, Loader.sampleRandom(1, 3, 3).nextLong());
        assertNotEquals(a, Loader.sampleRandom(2, 2, 3).nextLong());
        assertTrue(new SplittableRandom(0).nextInt(5) >= 0);
    }
}
