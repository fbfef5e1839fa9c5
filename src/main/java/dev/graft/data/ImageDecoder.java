package dev.graft.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes image files into RGB the way PIL's {@code Image.open(p).convert("RGB")} does.
 * (Minimal first version: ImageIO, sRGB conversion; replaced by the full decoder.)
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /** Decodes a file; throws IOException with a reason when it is not a readable image. */
    public static RgbImage decode(Path file) throws IOException {
        if (Files.size(file) == 0) throw new IOException("empty file");
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException("not a readable image");
        int w = img.getWidth(), h = img.getHeight();
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int o = (y * w + x) * 3;
                px[o] = (byte) (rgb >> 16);
                px[o + 1] = (byte) (rgb >> 8);
                px[o + 2] = (byte) rgb;
            }
        }
        return new RgbImage(w, h, px);
    }
}
