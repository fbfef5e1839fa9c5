package dev.graft.testutil;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Tiny seeded image folders for tests that train: one 40x40 PNG per call, noisy around a random colour. */
public final class TestImages {
    private TestImages() {}

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
