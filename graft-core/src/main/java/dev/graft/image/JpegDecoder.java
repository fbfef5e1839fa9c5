package dev.graft.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * JPEG to RGB as Pillow 9.4 decodes it. The entropy decoding, IDCT (islow) and fancy
 * chroma upsampling are libjpeg's, through ImageIO's {@code readRaster}, which returns the
 * raw components without colour conversion (and on Debian's JDK runs on the system
 * libjpeg-turbo, the same library PIL uses). The colour conversion is then done here with
 * libjpeg's integer tables and libjpeg's rules for guessing the colour space from the
 * JFIF/Adobe markers and component ids, so results equal PIL's; CMYK follows PIL's
 * "CMYK;I" (Adobe inverted) reading and its CMYK->RGB formula. A file that ends before the
 * image data does is an error, as in PIL. Measured: identical to PIL on every fixture
 * (baseline 4:2:0, 4:2:2, 4:4:4, progressive, grey, CMYK, ICC-tagged). A JDK that bundles
 * its own libjpeg 6b instead should give the same pixels (same islow IDCT, fancy upsampling
 * and tables) but is slower.
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

    private static final ComponentColorModel RGB_MODEL = new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

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
        return decode(d, null);
    }

    /** {width, height} from the frame header, without decoding. */
    static int[] size(byte[] d) throws IOException {
        Header h = header(d);
        return new int[] {h.width, h.height};
    }

    /**
     * The region (x, y, w, h) of the image, equal to cropping the full decode. For plain
     * YCbCr files that end with their EOI marker, libjpeg stops after the region's last row and
     * only the region is copied out; a file that might be truncated takes the full path, so
     * truncation is still detected as in {@link #decode(byte[])}.
     */
    static RgbImage decodeRegion(byte[] d, int x, int y, int w, int h) throws IOException {
        Header header = header(d);
        boolean inside = x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= header.width && y + h <= header.height;
        if (inside && header.plainYcc && endsWithEoi(d)) return decode(d, new java.awt.Rectangle(x, y, w, h));
        RgbImage full = decode(d, null);
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > full.width() || y + h > full.height()) {
            throw new IllegalArgumentException("region " + x + "," + y + " " + w + "x" + h + " outside the "
                    + full.width() + "x" + full.height() + " image");
        }
        return ImageDecoder.crop(full, x, y, w, h);
    }

    private static boolean endsWithEoi(byte[] d) {
        int n = d.length;
        return n >= 4 && (d[n - 2] & 0xFF) == 0xFF && (d[n - 1] & 0xFF) == 0xD9;
    }

    private static RgbImage decode(byte[] d, java.awt.Rectangle region) throws IOException {
        Header header = header(d);
        Space space = header.space;
        ImageReader reader = READER.get();
        if (reader == null) throw new IOException("no JPEG decoder available in this Java runtime");
        // libjpeg reports running out of data as a warning and fills the rest with grey; PIL
        // fails on such a file ("image file is truncated"), so the warning becomes an error.
        boolean[] truncated = new boolean[1];
        IIOReadWarningListener listener = (r, msg) -> {
            if (msg != null && msg.toLowerCase(java.util.Locale.ROOT).contains("premature end")) truncated[0] = true;
        };
        Raster raster;
        byte[] direct = null;
        int dw = 0;
        int dh = 0;
        try (ImageInputStream in = new ByteArrayImageInputStream(d)) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(listener);
            dw = reader.getWidth(0);
            dh = reader.getHeight(0);
            if ((long) dw * dh > ImageDecoder.MAX_PIXELS) throw new IOException("image too large (" + dw + "x" + dh + ", over PIL's limit)");
            if (header.plainYcc) {
                // libjpeg's own (SIMD) YCbCr->RGB straight into our array: same tables, faster.
                ImageReadParam param = reader.getDefaultReadParam();
                if (region != null) {
                    param.setSourceRegion(region);
                    dw = region.width;
                    dh = region.height;
                }
                direct = new byte[dw * dh * 3];
                WritableRaster wr = Raster.createInterleavedRaster(new DataBufferByte(direct, direct.length),
                        dw, dh, dw * 3, 3, new int[] {0, 1, 2}, null);
                param.setDestination(new BufferedImage(RGB_MODEL, wr, false, null));
                reader.read(0, param);
                raster = null;
            } else {
                raster = reader.readRaster(0, null);
            }
        } catch (IOException | RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("image too large")) throw (IOException) e;
            // A reader that failed inside libjpeg is not reused.
            READER.remove();
            throw new IOException("corrupt JPEG (" + shortMessage(e) + ")");
        } finally {
            reader.removeAllIIOReadWarningListeners();
            reader.setInput(null);
        }
        if (truncated[0]) {
            throw new IOException("truncated JPEG");
        }
        if (direct != null) return new RgbImage(dw, dh, direct);
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

    /**
     * The colour space and whether libjpeg may convert it for us: plain YCbCr (JFIF or ids
     * 1,2,3, no Adobe marker, no ICC profile, for which ImageIO would colour-manage).
     */
    private record Header(Space space, boolean plainYcc, int width, int height) {}

    /** libjpeg's default_decompress_parms colour-space guess, from the markers before SOF. */
    private static Header header(byte[] d) throws IOException {
        boolean jfif = false;
        boolean icc = false;
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
            if (marker == 0xE0 && len >= 7 && startsWith(d, s, "JFIF\0")) {
                jfif = true;
            } else if (marker == 0xE2 && startsWith(d, s, "ICC_PROFILE")) {
                icc = true;
            } else if (marker == 0xEE && len >= 14 && startsWith(d, s, "Adobe")) {
                adobe = d[s + 11] & 0xFF;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int nc = d[s + 5] & 0xFF;
                if (len < 8 + 3 * nc) throw new IOException("corrupt JPEG (bad frame header)");
                int fh = ((d[s + 1] & 0xFF) << 8) | (d[s + 2] & 0xFF);
                int fw = ((d[s + 3] & 0xFF) << 8) | (d[s + 4] & 0xFF);
                if (nc == 1) return new Header(Space.GREY, false, fw, fh);
                if (nc == 3) {
                    int c0 = d[s + 6] & 0xFF;
                    int c1 = d[s + 9] & 0xFF;
                    int c2 = d[s + 12] & 0xFF;
                    boolean ids123 = c0 == 1 && c1 == 2 && c2 == 3;
                    boolean plain = !icc && adobe < 0 && (jfif || ids123);
                    if (jfif) return new Header(Space.YCC, plain, fw, fh);
                    if (adobe >= 0) return new Header(adobe == 0 ? Space.RGB : Space.YCC, false, fw, fh);
                    return new Header(c0 == 'R' && c1 == 'G' && c2 == 'B' ? Space.RGB : Space.YCC, plain, fw, fh);
                }
                if (nc == 4) return new Header(adobe == 0 || adobe < 0 ? Space.CMYK : Space.YCCK, false, fw, fh);
                throw new IOException("unsupported JPEG with " + nc + " components");
            }
            p += 2 + len;
        }
        throw new IOException("truncated JPEG (no frame header)");
    }

    private static boolean startsWith(byte[] d, int p, String s) {
        if (p + s.length() > d.length) return false;
        for (int i = 0; i < s.length(); i++) {
            if (d[p + i] != (byte) s.charAt(i)) return false;
        }
        return true;
    }

    private static String shortMessage(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
