package dev.graft.data.transforms;

import dev.graft.data.RgbImage;

/**
 * Pillow's {@code ImagingResample} for 8-bit RGB, reproduced operation for operation so
 * that results are bit-identical to {@code PIL.Image.resize}: coefficients computed in
 * double, normalised and stored as 22-bit fixed point ("precision bits" 32-8-2), a
 * horizontal pass then a vertical pass, each rounded and clipped to uint8. A region of the
 * source can be resized as if it had been cropped first, which is what torchvision's
 * {@code resized_crop} does, without copying the crop.
 */
final class Resampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private Resampler() {}

    /** Coefficients for one axis: for each output index, first input index, count, weights. */
    private record Coeffs(int ksize, int[] bounds, int[] kk) {}

    private static Coeffs precompute(int inSize, int outSize, Interpolation filter) {
        // Pillow passes the box edges as C floats; for a whole (cropped) image in0 = 0.
        float in0 = 0f;
        float in1 = inSize;
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support() * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] kk = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double w = filter.filter((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) k[x] /= ww;
                double v = k[x];
                kk[xx * ksize + x] = v < 0
                        ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coeffs(ksize, bounds, kk);
    }

    private static int clip8(int v) {
        int s = v >> PRECISION_BITS;
        return s < 0 ? 0 : (s > 255 ? 255 : s);
    }

    /** Resizes the whole image to outW x outH. */
    static RgbImage resize(RgbImage src, int outW, int outH, Interpolation filter) {
        return resizeRegion(src, 0, 0, src.width(), src.height(), outW, outH, filter);
    }

    /**
     * Resizes the region (left x0, top y0, width cw, height ch) of src as Pillow would resize
     * {@code src.crop((x0, y0, x0+cw, y0+ch))}: the filter never reads outside the region.
     */
    static RgbImage resizeRegion(RgbImage src, int x0, int y0, int cw, int ch,
                                 int outW, int outH, Interpolation filter) {
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outW + "x" + outH);
        }
        boolean needH = outW != cw;
        boolean needV = outH != ch;
        int sw = src.width();
        byte[] in = src.pixels();
        if (!needH && !needV) {
            return Crops.copyRegion(src, x0, y0, cw, ch);
        }
        Coeffs vert = precompute(ch, outH, filter);
        // Rows of the (cropped) source that the vertical pass will read.
        int yFirst = vert.bounds[0];
        int yLast = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
        byte[] tmp;
        int tw;
        int tRow0;
        if (needH) {
            Coeffs hor = precompute(cw, outW, filter);
            int rows = yLast - yFirst;
            tmp = new byte[rows * outW * 3];
            horizontal(in, sw, x0, y0 + yFirst, rows, tmp, outW, hor);
            tw = outW;
            tRow0 = yFirst;
        } else {
            // Vertical only: read straight from the source region.
            tmp = null;
            tw = cw;
            tRow0 = 0;
        }
        if (!needV) {
            return new RgbImage(outW, outH, tmp);
        }
        byte[] out = new byte[outW * outH * 3];
        if (tmp != null) {
            vertical(tmp, tw * 3, 0, -tRow0, out, outW, outH, vert);
        } else {
            vertical(in, sw * 3, x0 * 3, y0, out, outW, outH, vert);
        }
        return new RgbImage(outW, outH, out);
    }

    private static void horizontal(byte[] in, int inW, int x0, int row0, int rows,
                                   byte[] out, int outW, Coeffs c) {
        int ksize = c.ksize;
        int[] kk = c.kk;
        int[] bounds = c.bounds;
        for (int y = 0; y < rows; y++) {
            int rowBase = ((row0 + y) * inW + x0) * 3;
            int o = y * outW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = bounds[xx * 2];
                int xmax = bounds[xx * 2 + 1];
                int kb = xx * ksize;
                int s0 = HALF;
                int s1 = HALF;
                int s2 = HALF;
                int p = rowBase + xmin * 3;
                for (int x = 0; x < xmax; x++, p += 3) {
                    int k = kk[kb + x];
                    s0 += (in[p] & 0xFF) * k;
                    s1 += (in[p + 1] & 0xFF) * k;
                    s2 += (in[p + 2] & 0xFF) * k;
                }
                out[o++] = (byte) clip8(s0);
                out[o++] = (byte) clip8(s1);
                out[o++] = (byte) clip8(s2);
            }
        }
    }

    /**
     * Vertical pass. Rows are accumulated one input row at a time (same integer sum as
     * Pillow's per-pixel loop, since int addition wraps identically in any order) for
     * sequential memory access.
     */
    private static void vertical(byte[] in, int inStride, int inOffset, int rowShift,
                                 byte[] out, int outW, int outH, Coeffs c) {
        int n = outW * 3;
        int[] acc = new int[n];
        int ksize = c.ksize;
        int[] kk = c.kk;
        int[] bounds = c.bounds;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[yy * 2];
            int ymax = bounds[yy * 2 + 1];
            java.util.Arrays.fill(acc, HALF);
            for (int y = 0; y < ymax; y++) {
                int k = kk[yy * ksize + y];
                int p = (ymin + y + rowShift) * inStride + inOffset;
                for (int i = 0; i < n; i++) {
                    acc[i] += (in[p + i] & 0xFF) * k;
                }
            }
            int o = yy * n;
            for (int i = 0; i < n; i++) {
                out[o + i] = (byte) clip8(acc[i]);
            }
        }
    }
}
