package dev.graft.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.graft.data.ImageFixtures;
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
            {"half.bmp", Arrays.copyOf(ImageFixtures.bytes("rgb24.bmp"), 600), "corrupt"},
            {"half.tif", Arrays.copyOf(ImageFixtures.bytes("rgb.tif"), 300), "corrupt"},
            {"half.ppm", Arrays.copyOf(ImageFixtures.bytes("rgb.ppm"), 300), "truncated"},
            {"claims.png", pngHeader(10000, 10000), "corrupt PNG"},
            {"huge.png", pngHeader(20000, 20000), "too large"},
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

    /** A PNG signature and IHDR claiming the given size, then a tiny IDAT and IEND. */
    private static byte[] pngHeader(int w, int h) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25 + 12 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        byte[] ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.ISO_8859_1))
                .putInt(w).putInt(h).put(new byte[] {8, 2, 0, 0, 0}).array();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr);
        b.putInt(13).put(ihdr).putInt((int) crc.getValue());
        b.putInt(0).put("IDAT".getBytes(StandardCharsets.ISO_8859_1)).putInt(0);
        b.putInt(0).put("IEND".getBytes(StandardCharsets.ISO_8859_1)).putInt(0);
        return b.array();
    }
}
