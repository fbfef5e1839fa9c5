package dev.graft.data.transforms;

import dev.graft.image.RgbImage;

/** Pixel copies shared by the crop transforms; areas outside the source read as black, as PIL's crop does. */
final class Crops {
    private Crops() {}

    /** PIL {@code img.crop((x0, y0, x0+w, y0+h))}: a copy, zero where the box leaves the image. */
    static RgbImage copyRegion(RgbImage src, int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * 3];
        int sw = src.width();
        int sh = src.height();
        byte[] in = src.pixels();
        int xa = Math.max(0, -x0);
        int xb = Math.min(w, sw - x0);
        if (xb > xa) {
            for (int y = 0; y < h; y++) {
                int sy = y0 + y;
                if (sy < 0 || sy >= sh) continue;
                System.arraycopy(in, (sy * sw + x0 + xa) * 3, out, (y * w + xa) * 3, (xb - xa) * 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Mirror image left to right. */
    static RgbImage flipHorizontal(RgbImage src) {
        int w = src.width();
        int h = src.height();
        byte[] in = src.pixels();
        byte[] out = new byte[in.length];
        for (int y = 0; y < h; y++) {
            int row = y * w * 3;
            for (int x = 0, o = row + (w - 1) * 3; x < w; x++, o -= 3) {
                int p = row + x * 3;
                out[o] = in[p];
                out[o + 1] = in[p + 1];
                out[o + 2] = in[p + 2];
            }
        }
        return new RgbImage(w, h, out);
    }
}
