package dev.graft.data.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.graft.data.ImageFixtures;
import dev.graft.image.RgbImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random transforms: distributions against torchvision, determinism under a seed, shapes. */
class RandomTransformsTest {
    private static final double[] SCALE = {0.08, 1.0};
    private static final double[] RATIO = {3.0 / 4.0, 4.0 / 3.0};

    /**
     * Two-sample KS-style check against torchvision's get_params: at each stored quantile of
     * torchvision's 20k samples, our empirical CDF must be within 0.025 of the level (the
     * two-sample KS critical value for 20k vs 20k at alpha = 0.001 is 0.0195). Ties (crop
     * sizes are integers) are allowed for by accepting any level between F(q-) and F(q).
     */
    @Test
    void randomResizedCropDistributionsMatchTorchvision() {
        for (JsonElement e : ImageFixtures.cases("rrc_stats")) {
            JsonObject c = e.getAsJsonObject();
            int w = c.get("width").getAsInt();
            int h = c.get("height").getAsInt();
            int n = 20000;
            double[] area = new double[n];
            double[] logAspect = new double[n];
            double[] top = new double[n];
            double[] left = new double[n];
            SplittableRandom rng = new SplittableRandom(12345);
            double meanArea = 0;
            for (int k = 0; k < n; k++) {
                int[] p = RandomResizedCrop.getParams(w, h, SCALE, RATIO, rng);
                assertTrue(p[0] >= 0 && p[1] >= 0 && p[0] + p[2] <= h && p[1] + p[3] <= w, Arrays.toString(p));
                area[k] = (double) p[2] * p[3] / ((double) w * h);
                logAspect[k] = Math.log((double) p[3] / p[2]);
                top[k] = h > p[2] ? (double) p[0] / (h - p[2]) : 0.5;
                left[k] = w > p[3] ? (double) p[1] / (w - p[3]) : 0.5;
                meanArea += area[k] / n;
            }
            JsonArray levels = c.getAsJsonArray("quantile_levels");
            String where = w + "x" + h;
            ks(where + " area", area, levels, c.getAsJsonArray("area_fraction"));
            ks(where + " log aspect", logAspect, levels, c.getAsJsonArray("log_aspect"));
            ks(where + " top", top, levels, c.getAsJsonArray("top_relative"));
            ks(where + " left", left, levels, c.getAsJsonArray("left_relative"));
            assertEquals(c.get("mean_area_fraction").getAsDouble(), meanArea, 0.01, where + " mean area");
        }
    }

    private static void ks(String what, double[] samples, JsonArray levels, JsonArray quantiles) {
        double[] s = samples.clone();
        Arrays.sort(s);
        double worst = 0;
        for (int k = 0; k < levels.size(); k++) {
            double level = levels.get(k).getAsDouble();
            double q = quantiles.get(k).getAsDouble();
            double below = lowerBound(s, q - 1e-12) / (double) s.length;
            double atOrBelow = lowerBound(s, q + 1e-12) / (double) s.length;
            double dev = level < below ? below - level : (level > atOrBelow ? level - atOrBelow : 0);
            worst = Math.max(worst, dev);
        }
        assertTrue(worst <= 0.025, what + ": KS distance " + worst);
    }

    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    @Test
    void fallbackIsCentredClampedCrop() {
        // A 1000x10 image can never fit the sampled boxes: torchvision's fallback clamps the
        // ratio to 4/3, h = 10, w = round(10 * 4/3) = 13, centred.
        int[] p = RandomResizedCrop.getParams(1000, 10, new double[] {0.9, 1.0}, RATIO, new SplittableRandom(3));
        assertArrayEquals(new int[] {0, (1000 - 13) / 2, 10, 13}, p);
    }

    @Test
    void sameSeedSameOutputDifferentSeedDifferentOutput() {
        RgbImage src = ImageFixtures.source("src97x75.png");
        Preset preset = Preset.imagenet(72, 64, Interpolation.BILINEAR);
        for (Augment a : Augment.values()) {
            ImageTransform t = preset.trainTransform(a).then(new ColorJitter(0.4, 0.4, 0.4, 0.1));
            RgbImage x = t.apply(src, new SplittableRandom(42));
            RgbImage y = t.apply(src, new SplittableRandom(42));
            assertArrayEquals(x.pixels(), y.pixels(), a.name());
            assertEquals(64, x.width());
            assertEquals(64, x.height());
            boolean anyDifferent = false;
            for (long seed = 1; seed <= 5 && !anyDifferent; seed++) {
                anyDifferent = !Arrays.equals(x.pixels(), t.apply(src, new SplittableRandom(seed)).pixels());
            }
            assertTrue(anyDifferent, a + " ignores the seed");
        }
    }

    @Test
    void fusedFlipEqualsCropThenFlip() {
        RgbImage src = ImageFixtures.source("src97x75.png");
        for (Interpolation interp : Interpolation.values()) {
            RandomResizedCrop rrc = new RandomResizedCrop(40, SCALE, RATIO, interp);
            ImageTransform fused = rrc.withHorizontalFlip(0.5);
            ImageTransform chain = rrc.then(new RandomHorizontalFlip(0.5));
            int sameWidth = 0;
            for (long seed = 0; seed < 600; seed++) {
                assertArrayEquals(chain.apply(src, new SplittableRandom(seed)).pixels(),
                        fused.apply(src, new SplittableRandom(seed)).pixels(), "seed " + seed);
                int[] p = RandomResizedCrop.getParams(97, 75, SCALE, RATIO, new SplittableRandom(seed));
                if (p[3] == 40) sameWidth++;
            }
            // crops as wide as the output skip the horizontal pass: that path was exercised too
            assertTrue(sameWidth > 0);
        }
    }

    @Test
    void flipProbability() {
        RgbImage src = ImageFixtures.source("src37x23.png");
        assertSame(src, new RandomHorizontalFlip(0).apply(src, new SplittableRandom(1)));
        RgbImage f = new RandomHorizontalFlip(1).apply(src, new SplittableRandom(1));
        assertNotSame(src, f);
        // pixel (x, y) of the flip is pixel (w-1-x, y) of the source
        int w = src.width();
        for (int y = 0; y < src.height(); y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(src.pixels()[(y * w + w - 1 - x) * 3 + ch], f.pixels()[(y * w + x) * 3 + ch]);
                }
            }
        }
        RandomHorizontalFlip half = new RandomHorizontalFlip();
        SplittableRandom rng = new SplittableRandom(7);
        int flipped = 0;
        for (int i = 0; i < 4000; i++) {
            if (half.apply(src, rng) != src) flipped++;
        }
        assertEquals(2000, flipped, 150);
    }

    @Test
    void randomCropPadsWithZerosAndCoversAllOffsets() {
        byte[] white = new byte[8 * 8 * 3];
        Arrays.fill(white, (byte) 255);
        RgbImage src = new RgbImage(8, 8, white);
        RandomCrop crop = new RandomCrop(8, 2);
        SplittableRandom rng = new SplittableRandom(5);
        boolean[] seenBlackTop = new boolean[5];
        for (int k = 0; k < 500; k++) {
            RgbImage out = crop.apply(src, rng);
            assertEquals(8, out.width());
            // count black rows at the top: equals 2 - i for offset i in 0..4 (0 when i >= 2)
            int blackRows = 0;
            while (blackRows < 8 && out.pixels()[blackRows * 8 * 3 + 4 * 3] == 0) blackRows++;
            assertTrue(blackRows <= 2);
            seenBlackTop[blackRows] = true;
        }
        assertTrue(seenBlackTop[0] && seenBlackTop[1] && seenBlackTop[2]);
        assertFalse(seenBlackTop[3]);
    }

    @Test
    void presetScaling() {
        Preset p = Preset.imagenetDefault();
        assertEquals(p, p.scaledTo(224));
        assertEquals(128, p.scaledTo(112).resize());
        assertEquals(112, p.scaledTo(112).crop());
        assertEquals(183, p.scaledTo(160).resize()); // round(256 * 160 / 224) = round(182.86)
        assertEquals(Augment.LIGHT, Augment.parse("Light"));
        assertEquals(Interpolation.BICUBIC, Interpolation.parse("bicubic"));
    }

    @Test
    void normalizerWritesChwAtOffset() {
        RgbImage img = new RgbImage(2, 1, new byte[] {0, (byte) 128, (byte) 255, 10, 20, 30});
        float[] dst = new float[20];
        ToTensorNormalize.imagenet().apply(img, dst, 3);
        // layout: R(x0) R(x1) G(x0) G(x1) B(x0) B(x1)
        assertEquals((0f / 255f - 0.485f) / 0.229f, dst[3], 0f);
        assertEquals((10f / 255f - 0.485f) / 0.229f, dst[4], 0f);
        assertEquals((128f / 255f - 0.456f) / 0.224f, dst[5], 0f);
        assertEquals((30f / 255f - 0.406f) / 0.225f, dst[8], 0f);
        assertEquals(0f, dst[2], 0f);
        assertEquals(0f, dst[9], 0f);
    }
}
