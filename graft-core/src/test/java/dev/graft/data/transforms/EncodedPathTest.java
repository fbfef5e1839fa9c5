package dev.graft.data.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import dev.graft.image.ImageDecoder;
import dev.graft.data.ImageFixtures;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The decode-only-the-crop shortcut gives exactly the full path's results. */
class EncodedPathTest {
    @Test
    void decodeRegionEqualsCropOfFullDecode() throws IOException {
        SplittableRandom rng = new SplittableRandom(9);
        int checked = 0;
        for (JsonElement e : ImageFixtures.cases("decode")) {
            byte[] data = ImageFixtures.bytes(e.getAsJsonObject().get("file").getAsString());
            RgbImage full = ImageDecoder.decode(data);
            int[] wh = ImageDecoder.size(data);
            if (wh != null) assertArrayEquals(new int[] {full.width(), full.height()}, wh);
            for (int k = 0; k < 5; k++) {
                int w = 1 + rng.nextInt(full.width());
                int h = 1 + rng.nextInt(full.height());
                int x = rng.nextInt(full.width() - w + 1);
                int y = rng.nextInt(full.height() - h + 1);
                RgbImage region = ImageDecoder.decodeRegion(data, x, y, w, h);
                assertEquals(w, region.width());
                for (int r = 0; r < h; r++) {
                    byte[] expected = Arrays.copyOfRange(full.pixels(), ((y + r) * full.width() + x) * 3,
                            ((y + r) * full.width() + x + w) * 3);
                    byte[] got = Arrays.copyOfRange(region.pixels(), r * w * 3, (r + 1) * w * 3);
                    assertArrayEquals(expected, got);
                }
                checked++;
            }
        }
        assertTrue(checked > 100);
    }

    @Test
    void encodedRandomResizedCropEqualsDecodeThenTransform() throws IOException {
        for (String file : new String[] {"photo420.jpg", "photo444.jpg", "odd422.jpg", "prog.jpg", "grey.jpg",
                "cmyk.jpg", "icc.jpg", "rgb8_37x23.png", "rgb.ppm"}) {
            byte[] data = ImageFixtures.bytes(file);
            for (ImageTransform t : new ImageTransform[] {
                    new RandomResizedCrop(24), new RandomResizedCrop(31, Interpolation.BICUBIC).withHorizontalFlip(0.5),
                    Preset.imagenet(40, 32, Interpolation.BILINEAR).trainTransform(Augment.STANDARD)}) {
                for (long seed = 0; seed < 40; seed++) {
                    RgbImage viaFile = EncodedImageTransform.decodeAndApply(t, data, new SplittableRandom(seed));
                    RgbImage viaImage = t.apply(ImageDecoder.decode(data), new SplittableRandom(seed));
                    assertArrayEquals(viaImage.pixels(), viaFile.pixels(), file + " seed " + seed);
                }
            }
        }
    }

    @Test
    void truncatedJpegStillFailsOnTheShortcut() {
        byte[] jpg = ImageFixtures.bytes("photo420.jpg");
        byte[] half = Arrays.copyOf(jpg, jpg.length / 2);
        ImageTransform t = Preset.imagenetDefault().trainTransform(Augment.STANDARD);
        IOException e = assertThrows(IOException.class,
                () -> EncodedImageTransform.decodeAndApply(t, half, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
