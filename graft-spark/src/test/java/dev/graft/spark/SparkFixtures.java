package dev.graft.spark;

import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark tests share: a local[2] session, a tiny seeded model saved as a run
 * (MobileNetV3-Small, 3 classes, 32 px) and a small folder of seeded random images in
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
        Rng.manualSeed(11);
        try (ImageModel m = Zoo.get("mobilenet_v3_small").build(CLASSES.size())) {
            return SavedModel.write(dir, m, "mobilenet_v3_small", CLASSES, PRESET, HeadSpec.LINEAR, null);
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
