package dev.graft.spark;

import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.io.TensorData;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark tests share: a local[2] session, a tiny seeded model saved as a run
 * (ResNet-18, 3 classes, 32 px: random-init MobileNets give features of 1e-9, too small to compare) and a small folder of seeded random images in
 * class subfolders (PNG and JPEG, assorted sizes), plus a folder of unreadable files.
 */
final class SparkFixtures {
    static final List<String> CLASSES = List.of("ant", "bee", "cat");
    static final Preset PRESET = Preset.imagenet(36, 32, Interpolation.BILINEAR);

    private SparkFixtures() {}

    static SparkSession session() {
        System.setProperty("log4j2.configurationFile", "graft-spark-log4j2.properties");
        return SparkSession.builder().master("local[2]").appName("graft-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
    }

    /** A seeded random-init model saved into {@code dir}. */
    static SavedModel model(Path dir) {
        return model(dir, PRESET);
    }

    /** The same model with another inference preset. */
    static SavedModel model(Path dir, Preset preset) {
        Rng.manualSeed(11);
        try (ImageModel m = Zoo.get("resnet18").build(CLASSES.size())) {
            // a classifier 4x torch's default init: logits of a few units, so labels are decided
            // and comparing them means something
            Map<String, TensorData> state = new LinkedHashMap<>(m.stateDict());
            SplittableRandom r = new SplittableRandom(12);
            for (String k : List.of("fc.weight")) {
                TensorData t = state.get(k);
                float[] w = new float[(int) t.numel()];
                double a = 4 * Math.sqrt(3.0 / t.shape()[1]);
                for (int i = 0; i < w.length; i++) w[i] = (float) ((2 * r.nextDouble() - 1) * a);
                state.put(k, TensorData.ofFloats(t.shape(), w));
            }
            m.loadStateDict(state, true);
            return SavedModel.write(dir, m, "resnet18", CLASSES, preset, HeadSpec.LINEAR, null);
        }
    }

    /** {@code perClass} images in each class folder under {@code root}; a .txt file that must be ignored. */
    static void images(Path root, int perClass, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        for (String c : CLASSES) {
            Path dir = Files.createDirectories(root.resolve(c));
            for (int i = 0; i < perClass; i++) {
                int w = 28 + r.nextInt(30), h = 28 + r.nextInt(30);
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
                boolean png = i % 2 == 0;
                ImageIO.write(img, png ? "png" : "jpg", dir.resolve(c + i + (png ? ".png" : ".JPG")).toFile());
            }
        }
        Files.writeString(root.resolve("notes.txt"), "not an image");
    }

    /** Two image-named files that cannot be decoded: random bytes and a cut-off PNG. */
    static void badImages(Path dir, Path goodPng) throws IOException {
        Files.createDirectories(dir);
        byte[] junk = new byte[300];
        new SplittableRandom(3).nextBytes(junk);
        Files.write(dir.resolve("junk.jpg"), junk);
        byte[] png = Files.readAllBytes(goodPng);
        Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 3));
    }

    /** Spark's file: URI of a local path back to the path. */
    static String local(String uri) {
        return Path.of(java.net.URI.create(uri)).toString();
    }
}
