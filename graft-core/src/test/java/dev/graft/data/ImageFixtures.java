package dev.graft.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Access to the fixtures written by src/test/python/make_image_fixtures.py (PIL 9.4 / torchvision 0.14). */
public final class ImageFixtures {
    public static final Path DIR = Path.of("src/test/resources/fixtures/image");
    private static JsonObject manifest;

    private ImageFixtures() {}

    public static synchronized JsonObject manifest() {
        if (manifest == null) {
            try {
                manifest = JsonParser.parseString(Files.readString(DIR.resolve("manifest.json"))).getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return manifest;
    }

    public static JsonArray cases(String kind) {
        return manifest().getAsJsonArray(kind);
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RgbImage rgb(JsonObject c) {
        return new RgbImage(c.get("width").getAsInt(), c.get("height").getAsInt(), bytes(c.get("expected").getAsString()));
    }

    public static float[] floats(String name) {
        ByteBuffer b = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    public static RgbImage source(String name) {
        try {
            return ImageDecoder.decode(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest absolute difference between two images' bytes; -1 if sizes differ. */
    public static int maxAbsDiff(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) return -1;
        int m = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            m = Math.max(m, Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF)));
        }
        return m;
    }
}
