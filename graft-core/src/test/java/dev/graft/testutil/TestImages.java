package dev.graft.testutil;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Tiny seeded image folders for tests that train: one 40x40 PNG per call, noisy around a random colour. */
public final class TestImages {
    private TestImages() {}

    /**
     * A saved, untrained resnet18 for the classes {@code ant} and {@code bee} at 32 px (resize 36), made with
     * {@code seed}: a model directory for commands that read one (evaluate, predict, export).
     */
    public static Path savedAntBeeModel(Path dir, long seed) throws IOException {
        dev.graft.nn.Rng.manualSeed(seed);
        try (dev.graft.models.ImageModel model = dev.graft.models.Zoo.get("resnet18").build(2)) {
            dev.graft.models.SavedModel.write(dir, model, "resnet18", List.of("ant", "bee"),
                    dev.graft.data.transforms.Preset.imagenet(36, 32, dev.graft.data.transforms.Interpolation.BILINEAR),
                    dev.graft.models.HeadSpec.LINEAR, "none");
        }
        return dir;
    }

    /** DATA/class/classN.png for each class, {@code perClass} images each, drawn from {@code seed}. */
    public static Path classFolders(Path dir, long seed, int perClass, String... classes) throws IOException {
        Random rnd = new Random(seed);
        for (String c : classes) {
            for (int i = 0; i < perClass; i++) png(dir.resolve(c).resolve(c + i + ".png"), rnd);
        }
        return dir;
    }

    public static void png(Path file, Random rnd) throws IOException {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        int base = rnd.nextInt(0xffffff);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) img.setRGB(x, y, base ^ (rnd.nextInt(64) * (x + y)));
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
