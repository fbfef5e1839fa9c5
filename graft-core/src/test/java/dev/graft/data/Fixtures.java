package dev.graft.data;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.ImageIO;

/** Test helpers: fixture files produced by src/test/python/make_data_fixtures.py, tiny images. */
final class Fixtures {
    private Fixtures() {}

    static Path dir(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject json(String name) throws IOException {
        return JsonParser.parseString(Files.readString(dir(name))).getAsJsonObject();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A w x h PNG whose pixel (x, y) is (r, x, y) so images can be told apart after decoding. */
    static Path png(Path file, int w, int h, int r) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (r << 16) | (x << 8) | y);
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    static Path write(Path file, BufferedImage img, String format) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, format, file.toFile())) throw new IOException("no writer for " + format);
        return file;
    }
}
