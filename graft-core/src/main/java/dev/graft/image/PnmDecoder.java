package dev.graft.image;

import java.io.IOException;

/**
 * Netpbm (PBM/PGM/PPM, plain and raw: P1-P6) to RGB as Pillow 9.4 reads it, which ImageIO
 * cannot: samples scaled as {@code round(v / maxval * 255)}, except that grey images with
 * maxval above 255 become PIL mode "I" (scaled to 65535, or raw when maxval is 65535) and
 * are clipped to 255 on conversion to RGB, as PIL does; for bitmaps 1 is black.
 */
final class PnmDecoder {
    private PnmDecoder() {}

    static boolean isPnm(byte[] d) {
        return d.length >= 3 && d[0] == 'P' && d[1] >= '1' && d[1] <= '6'
                && (d[2] == ' ' || d[2] == '\n' || d[2] == '\r' || d[2] == '\t' || d[2] == '#');
    }

    static RgbImage decode(byte[] d) throws IOException {
        int kind = d[1] - '0';
        int[] pos = {2};
        int w = token(d, pos);
        int h = token(d, pos);
        boolean bitmap = kind == 1 || kind == 4;
        int maxval = bitmap ? 1 : token(d, pos);
        if (w <= 0 || h <= 0) throw new IOException("bad PNM size " + w + "x" + h);
        if ((long) w * h > ImageDecoder.MAX_PIXELS) throw new IOException("image too large (" + w + "x" + h + ", over PIL's limit)");
        if (maxval <= 0 || maxval >= 65536) throw new IOException("bad PNM maxval " + maxval);
        pos[0]++; // the single whitespace byte before raw data
        boolean raw = kind >= 4;
        boolean rgb = kind == 3 || kind == 6;
        int channels = rgb ? 3 : 1;
        byte[] out = new byte[w * h * 3];
        if (bitmap) {
            if (raw) {
                int rowBytes = (w + 7) / 8;
                if (pos[0] + (long) rowBytes * h > d.length) throw new IOException("truncated PBM");
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int bit = (d[pos[0] + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
                        fill(out, y * w + x, bit == 1 ? 0 : 255);
                    }
                }
            } else {
                pos[0]--;
                for (int i = 0; i < w * h; i++) {
                    int c = nextNonSpace(d, pos);
                    if (c != '0' && c != '1') throw new IOException("corrupt PBM");
                    fill(out, i, c == '1' ? 0 : 255);
                }
            }
            return new RgbImage(w, h, out);
        }
        // Grey with maxval > 255 is PIL mode "I": scaled to 65535 (unless raw 16-bit), then clipped.
        boolean modeI = !rgb && maxval > 255;
        int outMax = modeI ? 65535 : 255;
        boolean identity = (raw && maxval == 255) || (raw && modeI && maxval == 65535);
        int bytesPer = maxval < 256 ? 1 : 2;
        int n = w * h * channels;
        if (raw && pos[0] + (long) n * bytesPer > d.length) throw new IOException("truncated PNM");
        if (!raw) pos[0]--;
        for (int i = 0; i < n; i++) {
            int v;
            if (raw) {
                int p = pos[0] + i * bytesPer;
                v = bytesPer == 1 ? d[p] & 0xFF : ((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF);
            } else {
                v = token(d, pos);
            }
            if (!raw && v > maxval) throw new IOException("PNM sample exceeds maxval");
            int s = identity ? v : (int) Math.min(outMax, Math.rint((double) v / maxval * outMax));
            int b = Math.min(s, 255);
            if (rgb) {
                out[i] = (byte) b;
            } else {
                fill(out, i, b);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static void fill(byte[] out, int i, int v) {
        out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = (byte) v;
    }

    private static int nextNonSpace(byte[] d, int[] pos) throws IOException {
        while (pos[0] < d.length) {
            int c = d[pos[0]++];
            if (c == '#') {
                while (pos[0] < d.length && d[pos[0]] != '\n' && d[pos[0]] != '\r') pos[0]++;
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != 0x0B && c != 0x0C) {
                return c;
            }
        }
        throw new IOException("truncated PNM");
    }

    private static int token(byte[] d, int[] pos) throws IOException {
        int c = nextNonSpace(d, pos);
        if (c < '0' || c > '9') throw new IOException("corrupt PNM header");
        long v = c - '0';
        while (pos[0] < d.length && d[pos[0]] >= '0' && d[pos[0]] <= '9') {
            v = v * 10 + (d[pos[0]++] - '0');
            if (v > Integer.MAX_VALUE) throw new IOException("corrupt PNM header");
        }
        return (int) v;
    }
}
