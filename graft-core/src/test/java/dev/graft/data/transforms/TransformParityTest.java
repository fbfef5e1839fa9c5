package dev.graft.data.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.graft.data.ImageFixtures;
import dev.graft.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Deterministic transforms against PIL / torchvision outputs, bit for bit. */
class TransformParityTest {
    private static void check(List<String> failures, String what, RgbImage got, RgbImage expected) {
        int d = ImageFixtures.maxAbsDiff(got, expected);
        if (d != 0) {
            failures.add(what + (d < 0 ? ": size " + got.width() + "x" + got.height()
                    + " expected " + expected.width() + "x" + expected.height() : ": max diff " + d));
        }
    }

    @Test
    void resizeMatchesPillowExactly() {
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonElement e : ImageFixtures.cases("resize")) {
            JsonObject c = e.getAsJsonObject();
            RgbImage src = ImageFixtures.source(c.get("source").getAsString());
            Interpolation interp = Interpolation.parse(c.get("interpolation").getAsString());
            RgbImage expected = ImageFixtures.rgb(c);
            RgbImage got = c.get("mode").getAsString().equals("exact")
                    ? Resize.resize(src, expected.width(), expected.height(), interp)
                    : new Resize(c.get("size").getAsInt(), interp).apply(src, new SplittableRandom(0));
            check(failures, c.get("expected").getAsString(), got, expected);
            n++;
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(n >= 20);
    }

    @Test
    void resizedCropMatchesTorchvision() {
        List<String> failures = new ArrayList<>();
        for (JsonElement e : ImageFixtures.cases("resized_crop")) {
            JsonObject c = e.getAsJsonObject();
            RgbImage src = ImageFixtures.source(c.get("source").getAsString());
            int s = c.get("size").getAsInt();
            RgbImage got = RandomResizedCrop.resizedCrop(src, c.get("i").getAsInt(), c.get("j").getAsInt(),
                    c.get("h").getAsInt(), c.get("w").getAsInt(), s, s,
                    Interpolation.parse(c.get("interpolation").getAsString()));
            check(failures, c.get("expected").getAsString(), got, ImageFixtures.rgb(c));
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void centerCropMatchesTorchvision() {
        List<String> failures = new ArrayList<>();
        for (JsonElement e : ImageFixtures.cases("center_crop")) {
            JsonObject c = e.getAsJsonObject();
            RgbImage src = ImageFixtures.source(c.get("source").getAsString());
            RgbImage got = new CenterCrop(c.get("cw").getAsInt(), c.get("ch").getAsInt()).apply(src, null);
            check(failures, c.get("expected").getAsString(), got, ImageFixtures.rgb(c));
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void fullPresetMatchesTorchvisionTensor() {
        double worst = 0;
        for (JsonElement e : ImageFixtures.cases("preset")) {
            JsonObject c = e.getAsJsonObject();
            double[] mean = new double[3];
            double[] std = new double[3];
            for (int i = 0; i < 3; i++) {
                mean[i] = c.getAsJsonArray("mean").get(i).getAsDouble();
                std[i] = c.getAsJsonArray("std").get(i).getAsDouble();
            }
            Preset p = new Preset(c.get("resize").getAsInt(), c.get("crop").getAsInt(),
                    Interpolation.parse(c.get("interpolation").getAsString()), mean, std);
            RgbImage img = p.evalTransform().apply(ImageFixtures.source(c.get("source").getAsString()), new SplittableRandom(1));
            float[] expected = ImageFixtures.floats(c.get("expected").getAsString());
            float[] got = new float[expected.length + 7];
            p.normalizer().apply(img, got, 7);
            double maxDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[i + 7] - expected[i]));
            }
            assertTrue(maxDiff <= 1e-6, c.get("expected").getAsString() + ": max diff " + maxDiff);
            worst = Math.max(worst, maxDiff);
        }
        System.out.println("preset tensor max abs diff vs torchvision: " + worst);
    }

    @Test
    void imagenetSizedPresetMatchesTorchvisionBytes() {
        List<String> failures = new ArrayList<>();
        for (JsonElement e : ImageFixtures.cases("preset_u8")) {
            JsonObject c = e.getAsJsonObject();
            Preset p = Preset.imagenet(c.get("resize").getAsInt(), c.get("crop").getAsInt(),
                    Interpolation.parse(c.get("interpolation").getAsString()));
            RgbImage got = p.evalTransform().apply(ImageFixtures.source(c.get("source").getAsString()), null);
            check(failures, c.get("expected").getAsString(), got, ImageFixtures.rgb(c));
        }
        assertEquals(2, ImageFixtures.cases("preset_u8").size());
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void colorAdjustmentsMatchPil() {
        List<String> failures = new ArrayList<>();
        for (JsonElement e : ImageFixtures.cases("jitter")) {
            JsonObject c = e.getAsJsonObject();
            RgbImage src = ImageFixtures.source(c.get("source").getAsString());
            double f = c.get("factor").getAsDouble();
            RgbImage got = switch (c.get("fn").getAsString()) {
                case "brightness" -> ColorJitter.adjustBrightness(src, f);
                case "contrast" -> ColorJitter.adjustContrast(src, f);
                case "saturation" -> ColorJitter.adjustSaturation(src, f);
                default -> ColorJitter.adjustHue(src, f);
            };
            check(failures, c.get("expected").getAsString(), got, ImageFixtures.rgb(c));
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void outputSizeFollowsTorchvisionShortSideRule() {
        // int(size * long / short): 500x375 -> 341x256, 375x500 -> 256x341, square unchanged.
        assertEquals(341, Resize.outputSize(500, 375, 256)[0]);
        assertEquals(256, Resize.outputSize(500, 375, 256)[1]);
        assertEquals(341, Resize.outputSize(375, 500, 256)[1]);
        assertEquals(224, Resize.outputSize(100, 100, 224)[0]);
    }
}
