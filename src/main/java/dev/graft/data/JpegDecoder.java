package dev.graft.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * JPEG to RGB as Pillow 9.4 decodes it. The entropy decoding, IDCT (islow) and fancy
 * chroma upsampling are libjpeg's, through ImageIO's {@code readRaster}, which returns the
 * raw components without colour conversion (and on Debian's JDK runs on the system
 * libjpeg-turbo, the same library PIL uses). The colour conversion is then done here with
 * libjpeg's integer tables and libjpeg's rules for guessing the colour space from the
 * JFIF/Adobe markers and component ids, so results equal PIL's; CMYK follows PIL's
 * "CMYK;I" (Adobe inverted) reading and its CMYK->RGB formula. A file that ends before the
 * image data does is an error, as in PIL.
 */
final class JpegDecoder {
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        // libjpeg jdcolor.c build_ycc_rgb_table, SCALEBITS = 16.
        for (int i = 0, x = -128; i < 256; i++, x++) {
            CR_R[i] = (int) ((fix(1.40200) * x + (1L << 15)) >> 16);
            CB_B[i] = (int) ((fix(1.77200) * x + (1L << 15)) >> 16);
            CR_G[i] = (int) (-fix(0.71414) * x);
            CB_G[i] = (int) (-fix(0.34414) * x + (1L << 15));
        }
    }

    private static long fix(double x) {
        return (long) (x * (1L << 16) + 0.5);
    }

    private static final ThreadLocal<ImageReader> READER = ThreadLocal.withInitial(() -> {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
        return it.hasNext() ? it.next() : null;
    });

    private JpegDecoder() {}

    static boolean isJpeg(byte[] d) {
        return d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF;
    }

    private enum Space { GREY, YCC, RGB, CMYK, YCCK }

    static RgbImage decode(byte[] d) throws IOException {
        Space space = colorSpace(d);
        ImageReader reader = READER.get();
        if (reader == null) throw new IOException("no JPEG decoder available in this Java runtime");
        // libjpeg reports running out of data as a warning and fills the rest with grey; PIL
        // fails on such a file ("image file is truncated"), so the warning becomes an error.
        boolean[] truncated = new boolean[1];
        IIOReadWarningListener listener = (r, msg) -> {
            if (msg != null && msg.toLowerCase(java.util.Locale.ROOT).contains("premature end")) truncated[0] = true;
        };
        Raster raster;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(d))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(listener);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if ((long) w * h > ImageDecoder.MAX_PIXELS) throw new IOException("JPEG too large (" + w + "x" + h + ")");
            raster = reader.readRaster(0, null);
        } catch (IOException | RuntimeException e) {
            throw new IOException("corrupt JPEG (" + shortMessage(e) + ")");
        } finally {
            reader.removeAllIIOReadWarningListeners();
            reader.setInput(null);
        }
        if (truncated[0]) {
            throw new IOException("truncated JPEG");
        }
        if (!(raster.getDataBuffer() instanceof DataBufferByte db) || raster.getNumBands() != channels(space)
                || raster.getMinX() != 0 || raster.getMinY() != 0) {
            throw new IOException("unsupported JPEG layout (" + raster.getNumBands() + " components)");
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] src = db.getData();
        int n = w * h;
        if (src.length < n * channels(space)) throw new IOException("unsupported JPEG layout");
        byte[] out = space == Space.RGB && src.length == n * 3 ? src : new byte[n * 3];
        switch (space) {
            case GREY -> {
                for (int i = 0, o = 0; i < n; i++, o += 3) {
                    out[o] = out[o + 1] = out[o + 2] = src[i];
                }
            }
            case RGB -> {
                if (out != src) System.arraycopy(src, 0, out, 0, n * 3);
            }
            case YCC -> {
                for (int p = 0; p < n * 3; p += 3) {
                    int y = src[p] & 0xFF;
                    int cb = src[p + 1] & 0xFF;
                    int cr = src[p + 2] & 0xFF;
                    out[p] = (byte) clamp(y + CR_R[cr]);
                    out[p + 1] = (byte) clamp(y + ((CB_G[cb] + CR_G[cr]) >> 16));
                    out[p + 2] = (byte) clamp(y + CB_B[cb]);
                }
            }
            case CMYK, YCCK -> cmykToRgb(src, n, space == Space.YCCK, out);
            default -> throw new IllegalStateException();
        }
        return new RgbImage(w, h, out);
    }

    /** PIL: libjpeg's CMYK (YCCK converted by libjpeg), read as inverted "CMYK;I", then cmyk2rgb. */
    private static void cmykToRgb(byte[] src, int n, boolean ycck, byte[] out) {
        for (int i = 0, p = 0, o = 0; i < n; i++, p += 4, o += 3) {
            int c = src[p] & 0xFF;
            int m = src[p + 1] & 0xFF;
            int yy = src[p + 2] & 0xFF;
            int k = src[p + 3] & 0xFF;
            if (ycck) {
                int y = c;
                int cb = m;
                int cr = yy;
                c = clamp(255 - (y + CR_R[cr]));
                m = clamp(255 - (y + ((CB_G[cb] + CR_G[cr]) >> 16)));
                yy = clamp(255 - (y + CB_B[cb]));
            }
            // "CMYK;I" inverts every channel; cmyk2rgb: nk = 255 - K, out = nk - nk*C/255.
            int nk = 255 - (255 - k);
            out[o] = (byte) clamp(nk - mulDiv255(255 - c, nk));
            out[o + 1] = (byte) clamp(nk - mulDiv255(255 - m, nk));
            out[o + 2] = (byte) clamp(nk - mulDiv255(255 - yy, nk));
        }
    }

    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    private static int channels(Space s) {
        return switch (s) {
            case GREY -> 1;
            case YCC, RGB -> 3;
            default -> 4;
        };
    }

    /** libjpeg's default_decompress_parms colour-space guess, from the markers before SOF. */
    private static Space colorSpace(byte[] d) throws IOException {
        boolean jfif = false;
        int adobe = -1;
        int p = 2;
        while (p + 4 <= d.length) {
            if ((d[p] & 0xFF) != 0xFF) throw new IOException("corrupt JPEG (bad marker)");
            int marker = d[p + 1] & 0xFF;
            if (marker == 0xFF) {
                p++;
                continue;
            }
            int len = ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
            int s = p + 4;
            if (len < 2 || p + 2 + len > d.length) throw new IOException("truncated JPEG");
            if (marker == 0xE0 && len >= 7 && d[s] == 'J' && d[s + 1] == 'F' && d[s + 2] == 'I'
                    && d[s + 3] == 'F' && d[s + 4] == 0) {
                jfif = true;
            } else if (marker == 0xEE && len >= 14 && d[s] == 'A' && d[s + 1] == 'd' && d[s + 2] == 'o'
                    && d[s + 3] == 'b' && d[s + 4] == 'e') {
                adobe = d[s + 11] & 0xFF;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int nc = d[s + 5] & 0xFF;
                if (len < 8 + 3 * nc) throw new IOException("corrupt JPEG (bad frame header)");
                if (nc == 1) return Space.GREY;
                if (nc == 3) {
                    if (jfif) return Space.YCC;
                    if (adobe >= 0) return adobe == 0 ? Space.RGB : Space.YCC;
                    int c0 = d[s + 6] & 0xFF;
                    int c1 = d[s + 9] & 0xFF;
                    int c2 = d[s + 12] & 0xFF;
                    return c0 == 'R' && c1 == 'G' && c2 == 'B' ? Space.RGB : Space.YCC;
                }
                if (nc == 4) return adobe == 0 || adobe < 0 ? Space.CMYK : Space.YCCK;
                throw new IOException("unsupported JPEG with " + nc + " components");
            }
            p += 2 + len;
        }
        throw new IOException("truncated JPEG (no frame header)");
    }

    private static String shortMessage(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
