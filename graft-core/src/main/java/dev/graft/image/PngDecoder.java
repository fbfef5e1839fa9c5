package dev.graft.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * PNG to RGB with the results of Pillow 9.4's {@code Image.open(p).convert("RGB")}: grey
 * 1/2/4 bits scaled to 0..255, 16-bit grey opened as mode "I" and clipped to 255 on
 * conversion (so most 16-bit grey pixels become white, as in PIL), 16-bit colour reduced to
 * the high byte, alpha dropped without compositing, palette looked up; gamma, ICC and tRNS
 * are ignored as PIL's conversion ignores them. Written by hand rather than with ImageIO
 * so each of these rules is explicit and decoding skips ImageIO's colour handling.
 */
final class PngDecoder {
    private static final int[] ADAM7_X0 = {0, 4, 0, 2, 0, 1, 0};
    private static final int[] ADAM7_Y0 = {0, 0, 4, 0, 2, 0, 1};
    private static final int[] ADAM7_DX = {8, 8, 4, 4, 2, 2, 1};
    private static final int[] ADAM7_DY = {8, 8, 8, 4, 4, 2, 2};

    private PngDecoder() {}

    static boolean isPng(byte[] d) {
        return d.length >= 8 && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G'
                && d[4] == 0x0D && d[5] == 0x0A && d[6] == 0x1A && d[7] == 0x0A;
    }

    static RgbImage decode(byte[] d) throws IOException {
        int pos = 8;
        int width = 0;
        int height = 0;
        int depth = 0;
        int colorType = -1;
        int interlace = 0;
        byte[] palette = null;
        Inflater inflater = new Inflater();
        int bpp = 0;
        int rowBytes = 0;
        byte[] raw = null;
        int rawLen = 0;
        boolean sawEnd = false;
        try {
            while (pos + 8 <= d.length) {
                int len = readInt(d, pos);
                String type = new String(d, pos + 4, 4, StandardCharsets.ISO_8859_1);
                if (len < 0 || pos + 12L + len > d.length) throw new IOException("truncated PNG (" + chunkName(type) + ")");
                int data = pos + 8;
                if (type.equals("IHDR")) {
                    checkCrc(d, pos, len, type);
                    width = readInt(d, data);
                    height = readInt(d, data + 4);
                    depth = d[data + 8] & 0xFF;
                    colorType = d[data + 9] & 0xFF;
                    interlace = d[data + 12] & 0xFF;
                    int channels = switch (colorType) {
                        case 0, 3 -> 1;
                        case 2 -> 3;
                        case 4 -> 2;
                        case 6 -> 4;
                        default -> throw new IOException("bad PNG colour type " + colorType);
                    };
                    if (width <= 0 || height <= 0) throw new IOException("bad PNG size " + width + "x" + height);
                    if ((long) width * height > ImageDecoder.MAX_PIXELS) {
                        throw new IOException("image too large (" + width + "x" + height + ", over PIL's limit)");
                    }
                    if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16) {
                        throw new IOException("bad PNG bit depth " + depth);
                    }
                    int bitsPerPixel = channels * depth;
                    bpp = Math.max(1, bitsPerPixel / 8);
                    rowBytes = (int) (((long) width * bitsPerPixel + 7) / 8);
                    long total = interlace == 0 ? (long) (rowBytes + 1) * height : adam7Size(width, height, bitsPerPixel);
                    // Deflate cannot expand more than 1032:1, so a header claiming more than the
                    // file could hold is damaged: refuse before allocating for it.
                    if (total > (long) d.length * 1040 || total > Integer.MAX_VALUE - 16) {
                        throw new IOException("corrupt PNG (image data too short for " + width + "x" + height + ")");
                    }
                    raw = new byte[(int) total];
                } else if (type.equals("PLTE")) {
                    checkCrc(d, pos, len, type);
                    palette = new byte[768];
                    System.arraycopy(d, data, palette, 0, Math.min(len, 768));
                } else if (type.equals("IDAT")) {
                    if (raw == null) throw new IOException("corrupt PNG (IDAT before IHDR)");
                    inflater.setInput(d, data, len);
                    while (!inflater.needsInput() && !inflater.finished() && rawLen < raw.length) {
                        int n = inflater.inflate(raw, rawLen, raw.length - rawLen);
                        if (n == 0 && inflater.needsDictionary()) throw new IOException("corrupt PNG data (preset dictionary)");
                        rawLen += n;
                    }
                } else if (type.equals("IEND")) {
                    sawEnd = true;
                    break;
                }
                pos += 12 + len;
            }
        } catch (DataFormatException e) {
            throw new IOException("corrupt PNG data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
        if (raw == null) throw new IOException("corrupt PNG (no IHDR)");
        if (rawLen < raw.length) {
            throw new IOException(sawEnd ? "corrupt PNG (image data too short)" : "truncated PNG");
        }
        if (colorType == 3 && palette == null) throw new IOException("corrupt PNG (palette image without PLTE)");
        byte[] out = new byte[width * height * 3];
        Converter conv = new Converter(colorType, depth, palette, width, out);
        if (interlace == 0) {
            unfilterAll(raw, 0, rowBytes, height, bpp);
            for (int y = 0; y < height; y++) {
                conv.row(raw, y * (rowBytes + 1) + 1, width, y, 0, 1);
            }
        } else {
            int off = 0;
            int bitsPerPixel = channelsOf(colorType) * depth;
            for (int pass = 0; pass < 7; pass++) {
                int pw = (width - ADAM7_X0[pass] + ADAM7_DX[pass] - 1) / ADAM7_DX[pass];
                int ph = (height - ADAM7_Y0[pass] + ADAM7_DY[pass] - 1) / ADAM7_DY[pass];
                if (pw <= 0 || ph <= 0) continue;
                int rb = (int) (((long) pw * bitsPerPixel + 7) / 8);
                unfilterAll(raw, off, rb, ph, bpp);
                for (int y = 0; y < ph; y++) {
                    conv.row(raw, off + y * (rb + 1) + 1, pw, ADAM7_Y0[pass] + y * ADAM7_DY[pass],
                            ADAM7_X0[pass], ADAM7_DX[pass]);
                }
                off += (rb + 1) * ph;
            }
        }
        return new RgbImage(width, height, out);
    }

    private static int channelsOf(int colorType) {
        return switch (colorType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
    }

    private static long adam7Size(int w, int h, int bitsPerPixel) {
        long total = 0;
        for (int pass = 0; pass < 7; pass++) {
            long pw = (w - ADAM7_X0[pass] + ADAM7_DX[pass] - 1) / ADAM7_DX[pass];
            long ph = (h - ADAM7_Y0[pass] + ADAM7_DY[pass] - 1) / ADAM7_DY[pass];
            if (pw > 0 && ph > 0) total += ((pw * bitsPerPixel + 7) / 8 + 1) * ph;
        }
        return total;
    }

    private static void unfilterAll(byte[] b, int off, int rowBytes, int rows, int bpp) throws IOException {
        int stride = rowBytes + 1;
        for (int y = 0; y < rows; y++) {
            int f = b[off + y * stride] & 0xFF;
            int cur = off + y * stride + 1;
            int prev = y == 0 ? -1 : cur - stride;
            switch (f) {
                case 0 -> { }
                case 1 -> {
                    for (int i = bpp; i < rowBytes; i++) b[cur + i] += b[cur + i - bpp];
                }
                case 2 -> {
                    if (prev >= 0) for (int i = 0; i < rowBytes; i++) b[cur + i] += b[prev + i];
                }
                case 3 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int left = i >= bpp ? b[cur + i - bpp] & 0xFF : 0;
                        int up = prev >= 0 ? b[prev + i] & 0xFF : 0;
                        b[cur + i] += (byte) ((left + up) >> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int a = i >= bpp ? b[cur + i - bpp] & 0xFF : 0;
                        int bb = prev >= 0 ? b[prev + i] & 0xFF : 0;
                        int c = i >= bpp && prev >= 0 ? b[prev + i - bpp] & 0xFF : 0;
                        int p = a + bb - c;
                        int pa = Math.abs(p - a);
                        int pb = Math.abs(p - bb);
                        int pc = Math.abs(p - c);
                        int pred = pa <= pb && pa <= pc ? a : (pb <= pc ? bb : c);
                        b[cur + i] += (byte) pred;
                    }
                }
                default -> throw new IOException("corrupt PNG (bad filter type " + f + ")");
            }
        }
    }

    /** Turns unfiltered scanline samples into RGB bytes with PIL's mode conversions. */
    private static final class Converter {
        private final int colorType;
        private final int depth;
        private final byte[] palette;
        private final int width;
        private final byte[] out;

        Converter(int colorType, int depth, byte[] palette, int width, byte[] out) {
            this.colorType = colorType;
            this.depth = depth;
            this.palette = palette;
            this.width = width;
            this.out = out;
        }

        void row(byte[] b, int p, int n, int y, int x0, int dx) {
            int o = (y * width + x0) * 3;
            int step = dx * 3;
            switch (colorType) {
                case 0 -> {
                    for (int x = 0; x < n; x++, o += step) {
                        int v = grey(b, p, x);
                        out[o] = out[o + 1] = out[o + 2] = (byte) v;
                    }
                }
                case 3 -> {
                    for (int x = 0; x < n; x++, o += step) {
                        int idx = packed(b, p, x) * 3;
                        out[o] = palette[idx];
                        out[o + 1] = palette[idx + 1];
                        out[o + 2] = palette[idx + 2];
                    }
                }
                default -> {
                    int channels = channelsOf(colorType);
                    int bytes = depth / 8;
                    int pix = channels * bytes;
                    boolean grey = colorType == 4;
                    for (int x = 0; x < n; x++, o += step) {
                        int q = p + x * pix;
                        if (grey) {
                            out[o] = out[o + 1] = out[o + 2] = b[q];
                        } else {
                            out[o] = b[q];
                            out[o + 1] = b[q + bytes];
                            out[o + 2] = b[q + 2 * bytes];
                        }
                    }
                }
            }
        }

        private int packed(byte[] b, int p, int x) {
            return switch (depth) {
                case 8 -> b[p + x] & 0xFF;
                case 4 -> (b[p + (x >> 1)] >> (4 - 4 * (x & 1))) & 0x0F;
                case 2 -> (b[p + (x >> 2)] >> (6 - 2 * (x & 3))) & 0x03;
                case 1 -> (b[p + (x >> 3)] >> (7 - (x & 7))) & 0x01;
                default -> ((b[p + 2 * x] & 0xFF) << 8) | (b[p + 2 * x + 1] & 0xFF);
            };
        }

        private int grey(byte[] b, int p, int x) {
            int v = packed(b, p, x);
            return switch (depth) {
                case 1 -> v * 255;
                case 2 -> v * 85;
                case 4 -> v * 17;
                case 8 -> v;
                default -> Math.min(v, 255); // mode "I" -> RGB clips, it does not scale
            };
        }
    }

    private static int readInt(byte[] d, int p) {
        return ((d[p] & 0xFF) << 24) | ((d[p + 1] & 0xFF) << 16) | ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
    }

    private static void checkCrc(byte[] d, int pos, int len, String type) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(d, pos + 4, len + 4);
        if ((int) crc.getValue() != readInt(d, pos + 8 + len)) {
            throw new IOException("corrupt PNG (bad CRC in " + chunkName(type) + ")");
        }
    }

    /** A chunk's name for a message: its four letters, or "a damaged chunk" when they are not letters. */
    private static String chunkName(String type) {
        return type.chars().allMatch(Character::isLetter) ? type + " chunk" : "a damaged chunk";
    }
}
