package dev.graft.data.transforms;

import dev.graft.image.RgbImage;

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

    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1][]);

    private Resampler() {}

    private static byte[] scratch(int n) {
        byte[][] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].length < n) holder[0] = new byte[Math.max(n, 1 << 18)];
        return holder[0];
    }

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

    /**
     * Resizes the region (left x0, top y0, width cw, height ch) of src as Pillow would resize
     * {@code src.crop((x0, y0, x0+cw, y0+ch))}: the filter never reads outside the region.
     * With {@code mirror} the result is also flipped left-right; that is free here, since each
     * output column is computed independently and the horizontal pass just writes columns in
     * reverse order.
     */
    static RgbImage resizeRegion(RgbImage src, int x0, int y0, int cw, int ch,
                                 int outW, int outH, Interpolation filter, boolean mirror) {
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + outW + "x" + outH);
        }
        // Pillow: need_horizontal = xsize != box width (the box starts at 0 after the crop).
        boolean needH = outW != cw;
        boolean needV = outH != ch;
        int sw = src.width();
        byte[] in = src.pixels();
        if (!needH) {
            RgbImage r;
            if (!needV) {
                r = Crops.copyRegion(src, x0, y0, cw, ch);
            } else {
                byte[] out = new byte[outW * outH * 3];
                vertical(in, sw * 3, x0 * 3, y0, out, outW, outH, precompute(ch, outH, filter));
                r = new RgbImage(outW, outH, out);
            }
            return mirror ? Crops.flipHorizontal(r) : r;
        }
        Coeffs vert = precompute(ch, outH, filter);
        Coeffs hor = precompute(cw, outW, filter);
        // Rows of the (cropped) source that the vertical pass will read.
        int yFirst = needV ? vert.bounds[0] : 0;
        int yLast = needV ? vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1] : ch;
        int rows = yLast - yFirst;
        // The intermediate image is scratch when a vertical pass follows: reuse it per thread.
        byte[] tmp = needV ? scratch(rows * outW * 3) : new byte[rows * outW * 3];
        horizontal(in, sw, x0, y0 + yFirst, rows, tmp, outW, hor, mirror);
        if (!needV) {
            return new RgbImage(outW, outH, tmp);
        }
        byte[] out = new byte[outW * outH * 3];
        vertical(tmp, outW * 3, 0, -yFirst, out, outW, outH, vert);
        return new RgbImage(outW, outH, out);
    }

    /**
     * Horizontal pass. Every output pixel reads a window of the same width kw (Pillow's
     * window shifted inside the image, the extra taps weighted 0), so the common widths run
     * as straight-line code; the sums are Pillow's exactly since the extra terms are 0.
     */
    private static void horizontal(byte[] in, int inW, int x0, int row0, int rows,
                                   byte[] out, int outW, Coeffs c, boolean mirror) {
        int[] bounds = c.bounds;
        int inSize = 0;
        int kw = 0;
        for (int xx = 0; xx < outW; xx++) {
            kw = Math.max(kw, bounds[xx * 2 + 1]);
            inSize = Math.max(inSize, bounds[xx * 2] + bounds[xx * 2 + 1]);
        }
        int[] start = new int[outW];
        int[] w = new int[outW * kw];
        for (int xx = 0; xx < outW; xx++) {
            int xmin = bounds[xx * 2];
            int xmax = bounds[xx * 2 + 1];
            int s = Math.max(0, Math.min(xmin, inSize - kw));
            start[xx] = s * 3;
            for (int x = 0; x < xmax; x++) {
                w[xx * kw + xmin - s + x] = c.kk[xx * c.ksize + x];
            }
        }
        int[] outPos = new int[outW];
        for (int xx = 0; xx < outW; xx++) {
            outPos[xx] = 3 * (mirror ? outW - 1 - xx : xx);
        }
        // Two rows per sweep share the window and coefficient loads.
        int rowBytes = outW * 3;
        for (int y = 0; y < rows; y += 2) {
            boolean two = y + 1 < rows;
            int rowBase = ((row0 + y) * inW + x0) * 3;
            int nextBase = two ? rowBase + inW * 3 : rowBase;
            int rowOut = y * rowBytes;
            for (int xx = 0; xx < outW; xx++) {
                int o = rowOut + outPos[xx];
                int o2 = o + rowBytes;
                int p = rowBase + start[xx];
                int q = nextBase + start[xx];
                int wb = xx * kw;
                switch (kw) {
                        case 2 -> {
                            int k0 = w[wb + 0]; int k1 = w[wb + 1];
                            out[o] = (byte) clip8(HALF + (in[p + 0] & 0xFF) * k0 + (in[p + 3] & 0xFF) * k1);
                            out[o + 1] = (byte) clip8(HALF + (in[p + 1] & 0xFF) * k0 + (in[p + 4] & 0xFF) * k1);
                            out[o + 2] = (byte) clip8(HALF + (in[p + 2] & 0xFF) * k0 + (in[p + 5] & 0xFF) * k1);
                            if (two) {
                                out[o2] = (byte) clip8(HALF + (in[q + 0] & 0xFF) * k0 + (in[q + 3] & 0xFF) * k1);
                                out[o2 + 1] = (byte) clip8(HALF + (in[q + 1] & 0xFF) * k0 + (in[q + 4] & 0xFF) * k1);
                                out[o2 + 2] = (byte) clip8(HALF + (in[q + 2] & 0xFF) * k0 + (in[q + 5] & 0xFF) * k1);
                            }
                        }
                        case 3 -> {
                            int k0 = w[wb + 0]; int k1 = w[wb + 1]; int k2 = w[wb + 2];
                            out[o] = (byte) clip8(HALF + (in[p + 0] & 0xFF) * k0 + (in[p + 3] & 0xFF) * k1 + (in[p + 6] & 0xFF) * k2);
                            out[o + 1] = (byte) clip8(HALF + (in[p + 1] & 0xFF) * k0 + (in[p + 4] & 0xFF) * k1 + (in[p + 7] & 0xFF) * k2);
                            out[o + 2] = (byte) clip8(HALF + (in[p + 2] & 0xFF) * k0 + (in[p + 5] & 0xFF) * k1 + (in[p + 8] & 0xFF) * k2);
                            if (two) {
                                out[o2] = (byte) clip8(HALF + (in[q + 0] & 0xFF) * k0 + (in[q + 3] & 0xFF) * k1 + (in[q + 6] & 0xFF) * k2);
                                out[o2 + 1] = (byte) clip8(HALF + (in[q + 1] & 0xFF) * k0 + (in[q + 4] & 0xFF) * k1 + (in[q + 7] & 0xFF) * k2);
                                out[o2 + 2] = (byte) clip8(HALF + (in[q + 2] & 0xFF) * k0 + (in[q + 5] & 0xFF) * k1 + (in[q + 8] & 0xFF) * k2);
                            }
                        }
                        case 4 -> {
                            int k0 = w[wb + 0]; int k1 = w[wb + 1]; int k2 = w[wb + 2]; int k3 = w[wb + 3];
                            out[o] = (byte) clip8(HALF + (in[p + 0] & 0xFF) * k0 + (in[p + 3] & 0xFF) * k1 + (in[p + 6] & 0xFF) * k2 + (in[p + 9] & 0xFF) * k3);
                            out[o + 1] = (byte) clip8(HALF + (in[p + 1] & 0xFF) * k0 + (in[p + 4] & 0xFF) * k1 + (in[p + 7] & 0xFF) * k2 + (in[p + 10] & 0xFF) * k3);
                            out[o + 2] = (byte) clip8(HALF + (in[p + 2] & 0xFF) * k0 + (in[p + 5] & 0xFF) * k1 + (in[p + 8] & 0xFF) * k2 + (in[p + 11] & 0xFF) * k3);
                            if (two) {
                                out[o2] = (byte) clip8(HALF + (in[q + 0] & 0xFF) * k0 + (in[q + 3] & 0xFF) * k1 + (in[q + 6] & 0xFF) * k2 + (in[q + 9] & 0xFF) * k3);
                                out[o2 + 1] = (byte) clip8(HALF + (in[q + 1] & 0xFF) * k0 + (in[q + 4] & 0xFF) * k1 + (in[q + 7] & 0xFF) * k2 + (in[q + 10] & 0xFF) * k3);
                                out[o2 + 2] = (byte) clip8(HALF + (in[q + 2] & 0xFF) * k0 + (in[q + 5] & 0xFF) * k1 + (in[q + 8] & 0xFF) * k2 + (in[q + 11] & 0xFF) * k3);
                            }
                        }
                        case 5 -> {
                            int k0 = w[wb + 0]; int k1 = w[wb + 1]; int k2 = w[wb + 2]; int k3 = w[wb + 3]; int k4 = w[wb + 4];
                            out[o] = (byte) clip8(HALF + (in[p + 0] & 0xFF) * k0 + (in[p + 3] & 0xFF) * k1 + (in[p + 6] & 0xFF) * k2 + (in[p + 9] & 0xFF) * k3 + (in[p + 12] & 0xFF) * k4);
                            out[o + 1] = (byte) clip8(HALF + (in[p + 1] & 0xFF) * k0 + (in[p + 4] & 0xFF) * k1 + (in[p + 7] & 0xFF) * k2 + (in[p + 10] & 0xFF) * k3 + (in[p + 13] & 0xFF) * k4);
                            out[o + 2] = (byte) clip8(HALF + (in[p + 2] & 0xFF) * k0 + (in[p + 5] & 0xFF) * k1 + (in[p + 8] & 0xFF) * k2 + (in[p + 11] & 0xFF) * k3 + (in[p + 14] & 0xFF) * k4);
                            if (two) {
                                out[o2] = (byte) clip8(HALF + (in[q + 0] & 0xFF) * k0 + (in[q + 3] & 0xFF) * k1 + (in[q + 6] & 0xFF) * k2 + (in[q + 9] & 0xFF) * k3 + (in[q + 12] & 0xFF) * k4);
                                out[o2 + 1] = (byte) clip8(HALF + (in[q + 1] & 0xFF) * k0 + (in[q + 4] & 0xFF) * k1 + (in[q + 7] & 0xFF) * k2 + (in[q + 10] & 0xFF) * k3 + (in[q + 13] & 0xFF) * k4);
                                out[o2 + 2] = (byte) clip8(HALF + (in[q + 2] & 0xFF) * k0 + (in[q + 5] & 0xFF) * k1 + (in[q + 8] & 0xFF) * k2 + (in[q + 11] & 0xFF) * k3 + (in[q + 14] & 0xFF) * k4);
                            }
                        }
                        case 6 -> {
                            int k0 = w[wb + 0]; int k1 = w[wb + 1]; int k2 = w[wb + 2]; int k3 = w[wb + 3]; int k4 = w[wb + 4]; int k5 = w[wb + 5];
                            out[o] = (byte) clip8(HALF + (in[p + 0] & 0xFF) * k0 + (in[p + 3] & 0xFF) * k1 + (in[p + 6] & 0xFF) * k2 + (in[p + 9] & 0xFF) * k3 + (in[p + 12] & 0xFF) * k4 + (in[p + 15] & 0xFF) * k5);
                            out[o + 1] = (byte) clip8(HALF + (in[p + 1] & 0xFF) * k0 + (in[p + 4] & 0xFF) * k1 + (in[p + 7] & 0xFF) * k2 + (in[p + 10] & 0xFF) * k3 + (in[p + 13] & 0xFF) * k4 + (in[p + 16] & 0xFF) * k5);
                            out[o + 2] = (byte) clip8(HALF + (in[p + 2] & 0xFF) * k0 + (in[p + 5] & 0xFF) * k1 + (in[p + 8] & 0xFF) * k2 + (in[p + 11] & 0xFF) * k3 + (in[p + 14] & 0xFF) * k4 + (in[p + 17] & 0xFF) * k5);
                            if (two) {
                                out[o2] = (byte) clip8(HALF + (in[q + 0] & 0xFF) * k0 + (in[q + 3] & 0xFF) * k1 + (in[q + 6] & 0xFF) * k2 + (in[q + 9] & 0xFF) * k3 + (in[q + 12] & 0xFF) * k4 + (in[q + 15] & 0xFF) * k5);
                                out[o2 + 1] = (byte) clip8(HALF + (in[q + 1] & 0xFF) * k0 + (in[q + 4] & 0xFF) * k1 + (in[q + 7] & 0xFF) * k2 + (in[q + 10] & 0xFF) * k3 + (in[q + 13] & 0xFF) * k4 + (in[q + 16] & 0xFF) * k5);
                                out[o2 + 2] = (byte) clip8(HALF + (in[q + 2] & 0xFF) * k0 + (in[q + 5] & 0xFF) * k1 + (in[q + 8] & 0xFF) * k2 + (in[q + 11] & 0xFF) * k3 + (in[q + 14] & 0xFF) * k4 + (in[q + 17] & 0xFF) * k5);
                            }
                        }
                        default -> {
                            horizontalPixel(in, p, w, wb, kw, out, o);
                            if (two) horizontalPixel(in, q, w, wb, kw, out, o2);
                        }
                }
            }
        }
    }

    private static void horizontalPixel(byte[] in, int p, int[] w, int wb, int kw, byte[] out, int o) {
        int s0 = HALF;
        int s1 = HALF;
        int s2 = HALF;
        for (int x = 0; x < kw; x++, p += 3) {
            int k = w[wb + x];
            s0 += (in[p] & 0xFF) * k;
            s1 += (in[p + 1] & 0xFF) * k;
            s2 += (in[p + 2] & 0xFF) * k;
        }
        out[o] = (byte) clip8(s0);
        out[o + 1] = (byte) clip8(s1);
        out[o + 2] = (byte) clip8(s2);
    }

    /**
     * Vertical pass. Up to four taps are summed in registers and written directly; longer
     * filters accumulate in an int row. Either way the integer sum equals Pillow's (int
     * addition wraps identically in any order), and rows are read sequentially.
     */
    private static void vertical(byte[] in, int inStride, int inOffset, int rowShift,
                                 byte[] out, int outW, int outH, Coeffs c) {
        int n = outW * 3;
        int[] acc = null;
        int ksize = c.ksize;
        int[] kk = c.kk;
        int[] bounds = c.bounds;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[yy * 2];
            int ymax = bounds[yy * 2 + 1];
            int kb = yy * ksize;
            int p0 = (ymin + rowShift) * inStride + inOffset;
            int o = yy * n;
            switch (ymax) {
                case 1 -> {
                    int k0 = kk[kb];
                    for (int i = 0; i < n; i++) {
                        out[o + i] = (byte) clip8(HALF + (in[p0 + i] & 0xFF) * k0);
                    }
                }
                case 2 -> {
                    int k0 = kk[kb];
                    int k1 = kk[kb + 1];
                    int p1 = p0 + inStride;
                    for (int i = 0; i < n; i++) {
                        out[o + i] = (byte) clip8(HALF + (in[p0 + i] & 0xFF) * k0 + (in[p1 + i] & 0xFF) * k1);
                    }
                }
                case 3 -> {
                    int k0 = kk[kb];
                    int k1 = kk[kb + 1];
                    int k2 = kk[kb + 2];
                    int p1 = p0 + inStride;
                    int p2 = p1 + inStride;
                    for (int i = 0; i < n; i++) {
                        out[o + i] = (byte) clip8(HALF + (in[p0 + i] & 0xFF) * k0 + (in[p1 + i] & 0xFF) * k1
                                + (in[p2 + i] & 0xFF) * k2);
                    }
                }
                case 4 -> {
                    int k0 = kk[kb];
                    int k1 = kk[kb + 1];
                    int k2 = kk[kb + 2];
                    int k3 = kk[kb + 3];
                    int p1 = p0 + inStride;
                    int p2 = p1 + inStride;
                    int p3 = p2 + inStride;
                    for (int i = 0; i < n; i++) {
                        out[o + i] = (byte) clip8(HALF + (in[p0 + i] & 0xFF) * k0 + (in[p1 + i] & 0xFF) * k1
                                + (in[p2 + i] & 0xFF) * k2 + (in[p3 + i] & 0xFF) * k3);
                    }
                }
                default -> {
                    if (acc == null) acc = new int[n];
                    java.util.Arrays.fill(acc, HALF);
                    for (int y = 0; y < ymax; y++) {
                        int k = kk[kb + y];
                        int p = p0 + y * inStride;
                        for (int i = 0; i < n; i++) {
                            acc[i] += (in[p + i] & 0xFF) * k;
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        out[o + i] = (byte) clip8(acc[i]);
                    }
                }
            }
        }
    }
}
