package dev.graft.data.transforms;

/**
 * Pillow's 8-bit RGB <-> HSV conversions (Convert.c {@code rgb2hsv_row} and
 * {@code hsv2rgb}), with the same mix of float and double arithmetic so that hue
 * jitter matches PIL exactly.
 */
final class Hsv {
    private Hsv() {}

    static void rgbToHsv(int r, int g, int b, int[] out) {
        int maxc = Math.max(r, Math.max(g, b));
        int minc = Math.min(r, Math.min(g, b));
        if (minc == maxc) {
            out[0] = 0;
            out[1] = 0;
            out[2] = maxc;
            return;
        }
        float cr = (float) (maxc - minc);
        float s = cr / (float) maxc;
        float rc = ((float) (maxc - r)) / cr;
        float gc = ((float) (maxc - g)) / cr;
        float bc = ((float) (maxc - b)) / cr;
        float h;
        if (r == maxc) {
            h = bc - gc;
        } else if (g == maxc) {
            h = (float) (2.0 + rc - bc);
        } else {
            h = (float) (4.0 + gc - rc);
        }
        // C fmod(h / 6.0 + 1.0, 1.0) in double; Java's % on doubles is fmod.
        h = (float) ((h / 6.0 + 1.0) % 1.0);
        out[0] = clip8((int) (h * 255.0));
        out[1] = clip8((int) (s * 255.0));
        out[2] = maxc;
    }

    static void hsvToRgb(int h, int s, int v, byte[] out, int p) {
        if (s == 0) {
            out[p] = (byte) v;
            out[p + 1] = (byte) v;
            out[p + 2] = (byte) v;
            return;
        }
        int i = (int) Math.floor((float) h * 6.0 / 255.0);
        float f = (float) ((float) h * 6.0 / 255.0 - (float) i);
        float fs = (float) (((float) s) / 255.0);
        int up = clip8(cRound((float) v * (1.0 - fs)));
        int uq = clip8(cRound((float) v * (1.0 - fs * f)));
        int ut = clip8(cRound((float) v * (1.0 - fs * (1.0 - f))));
        int r;
        int g;
        int b;
        switch (i % 6) {
            case 0 -> { r = v; g = ut; b = up; }
            case 1 -> { r = uq; g = v; b = up; }
            case 2 -> { r = up; g = v; b = ut; }
            case 3 -> { r = up; g = uq; b = v; }
            case 4 -> { r = ut; g = up; b = v; }
            default -> { r = v; g = up; b = uq; }
        }
        out[p] = (byte) r;
        out[p + 1] = (byte) g;
        out[p + 2] = (byte) b;
    }

    /** C's round(): half away from zero. */
    private static int cRound(double x) {
        return (int) (x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5));
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
