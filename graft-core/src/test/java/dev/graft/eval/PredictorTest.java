package dev.graft.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java Predictor gives one answer whatever form the images come in (files, encoded
 * bytes, decoded images, a run directory opened by path), in any batch size, and its top-k
 * agrees with the arg-max and softmax of its own logits.
 */
class PredictorTest {
    @Test
    void filesBytesAndDecodedImagesGiveTheSameLogits(@TempDir Path tmp) throws IOException {
        Random rnd = new Random(5);
        List<Path> files = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        List<RgbImage> decoded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] px = new byte[30 * 26];
            rnd.nextBytes(px);
            byte[] header = "P5 30 26 255\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] pgm = new byte[header.length + px.length];
            System.arraycopy(header, 0, pgm, 0, header.length);
            System.arraycopy(px, 0, pgm, header.length, px.length);
            Path f = tmp.resolve("img" + i + ".pgm");
            Files.write(f, pgm);
            files.add(f);
            encoded.add(pgm);
            decoded.add(ImageDecoder.decode(pgm));
        }
        files.add(tmp.resolve("missing.pgm"));
        List<String> classes = List.of("a", "b", "c", "d");
        Rng.manualSeed(7);
        try (ImageModel m = Zoo.get("resnet18").build(classes.size())) {
            SavedModel.write(tmp.resolve("run"), m, "resnet18", classes,
                    Preset.imagenet(32, 28, Interpolation.BILINEAR), HeadSpec.LINEAR, "none");
        }
        try (Predictor byBatchOf2 = Predictor.open(tmp.resolve("run"), 2);
             Predictor byBatchOf8 = Predictor.open(tmp.resolve("run"), 8)) {
            List<Predictor.Prediction> fromFiles = byBatchOf2.predict(files, 3, true);
            List<Predictor.Prediction> all = byBatchOf8.predict(files, 3, true);
            List<Predictor.Prediction> fromBytes = byBatchOf2.predictEncoded(encoded, 3);
            List<Predictor.Prediction> fromImages = byBatchOf8.predictImages(decoded, 3);
            assertEquals(6, fromFiles.size());
            assertNull(fromFiles.get(5).logits());
            assertNotNull(fromFiles.get(5).error());
            for (int i = 0; i < 5; i++) {
                float[] logits = fromFiles.get(i).logits();
                assertArrayEquals(logits, all.get(i).logits(), 1e-5f * maxAbs(logits));
                int best = new Logits(logits, classes.size()).argmax()[0];
                for (List<Predictor.Prediction> other : List.of(fromFiles, all, fromBytes, fromImages)) {
                    assertEquals(best, other.get(i).top().get(0).index());
                    assertEquals(classes.get(best), other.get(i).top().get(0).label());
                }
                assertEquals(fromFiles.get(i).top(), fromBytes.get(i).top());
                double[] p = softmax(logits);
                assertEquals(p[best], fromFiles.get(i).top().get(0).probability(), 1e-12);
                assertEquals(3, fromFiles.get(i).top().size());
            }
            assertEquals("#1", fromBytes.get(1).image());
        }
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double[] softmax(float[] v) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (float x : v) max = Math.max(max, x);
        double[] p = new double[v.length];
        for (int i = 0; i < v.length; i++) z += p[i] = Math.exp(v[i] - max);
        for (int i = 0; i < v.length; i++) p[i] /= z;
        return p;
    }
}
