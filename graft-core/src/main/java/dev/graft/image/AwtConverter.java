package dev.graft.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Formats decoded by ImageIO (BMP, TIFF, GIF) turned into RGB the way PIL's convert("RGB")
 * would: samples read from the raster, never through {@code getRGB} colour management
 * (which would gamma-convert grey images); palettes looked up, alpha dropped, 16-bit grey
 * clipped like PIL's "I;16" -> RGB and 16-bit colour reduced to the high byte.
 */
final class AwtConverter {
    private AwtConverter() {}

    static RgbImage decode(byte[] data) throws IOException {
        BufferedImage img;
        // Straight over the bytes: ImageIO's own stream factory may spill to a temp file.
        try (ImageInputStream stream = new ByteArrayImageInputStream(data)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) throw new IOException("not a recognised image format");
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > ImageDecoder.MAX_PIXELS) throw new IOException("image too large (over PIL's limit)");
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            if (e.getMessage() != null && (e.getMessage().startsWith("not a recognised")
                    || e.getMessage().startsWith("image too large"))) {
                throw e;
            }
            throw new IOException("corrupt image (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("")) + ")");
        } catch (RuntimeException e) {
            throw new IOException("corrupt image (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("")) + ")");
        }
        if (img == null) throw new IOException("not a recognised image format");
        return toRgb(img);
    }

    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int[] row = new int[w * bands];
        if (cm instanceof IndexColorModel icm) {
            int size = icm.getMapSize();
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int idx = row[x];
                    int o = (y * w + x) * 3;
                    if (idx < size) {
                        out[o] = (byte) icm.getRed(idx);
                        out[o + 1] = (byte) icm.getGreen(idx);
                        out[o + 2] = (byte) icm.getBlue(idx);
                    }
                }
            }
        } else if (cm instanceof ComponentColorModel && (bands == 1 || bands == 2 || bands >= 3)
                && cm.getColorSpace().getNumComponents() == (bands >= 3 ? 3 : 1)) {
            boolean sixteen = r.getTransferType() == DataBuffer.TYPE_USHORT;
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    int p = x * bands;
                    if (bands < 3) {
                        int v = sixteen ? Math.min(row[p], 255) : row[p];
                        out[o] = out[o + 1] = out[o + 2] = (byte) v;
                    } else {
                        for (int c = 0; c < 3; c++) {
                            out[o + c] = (byte) (sixteen ? row[p + c] >> 8 : row[p + c]);
                        }
                    }
                }
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0, o = 0; i < argb.length; i++, o += 3) {
                out[o] = (byte) (argb[i] >> 16);
                out[o + 1] = (byte) (argb[i] >> 8);
                out[o + 2] = (byte) argb[i];
            }
        }
        return new RgbImage(w, h, out);
    }
}
