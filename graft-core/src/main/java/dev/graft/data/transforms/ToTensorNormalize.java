package dev.graft.data.transforms;

import dev.graft.image.RgbImage;

/**
 * The final step of a torchvision preset, {@code ToTensor()} followed by
 * {@code Normalize(mean, std)}: uint8 HWC to float32 CHW, {@code x / 255}, then
 * {@code (x - mean[c]) / std[c]}, each operation in float32 as torch does, so values are
 * bit-identical to torchvision's tensor. Writes into a caller-given array at an offset so a
 * loader can fill one batch buffer without copies. Immutable and thread-safe.
 */
public final class ToTensorNormalize {
    private final float[] mean;
    private final float[] std;
    // Per channel, the normalised value of each of the 256 possible bytes.
    private final float[] lut = new float[3 * 256];

    public ToTensorNormalize(double[] mean, double[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
        this.mean = new float[3];
        this.std = new float[3];
        for (int c = 0; c < 3; c++) {
            this.mean[c] = (float) mean[c];
            this.std[c] = (float) std[c];
            if (this.std[c] == 0f) throw new IllegalArgumentException("std must not be 0");
            for (int v = 0; v < 256; v++) {
                float x = (float) v / 255f;
                lut[c * 256 + v] = (x - this.mean[c]) / this.std[c];
            }
        }
    }

    /** ImageNet statistics, torchvision's default preset. */
    public static ToTensorNormalize imagenet() {
        return new ToTensorNormalize(Preset.IMAGENET_MEAN, Preset.IMAGENET_STD);
    }

    /** Number of floats {@link #apply(RgbImage, float[], int)} writes: 3 * height * width. */
    public static int length(RgbImage image) {
        return 3 * image.width() * image.height();
    }

    /** Writes the CHW tensor of the image into dst[offset .. offset + 3*H*W). */
    public void apply(RgbImage image, float[] dst, int offset) {
        int n = image.width() * image.height();
        if (offset < 0 || offset + 3 * n > dst.length) {
            throw new IndexOutOfBoundsException("need " + 3 * n + " floats at offset " + offset
                    + " in an array of " + dst.length);
        }
        byte[] px = image.pixels();
        int r = offset;
        int g = offset + n;
        int b = offset + 2 * n;
        for (int i = 0, p = 0; i < n; i++, p += 3) {
            dst[r + i] = lut[px[p] & 0xFF];
            dst[g + i] = lut[256 + (px[p + 1] & 0xFF)];
            dst[b + i] = lut[512 + (px[p + 2] & 0xFF)];
        }
    }

    /** A new float[3*H*W] with the CHW tensor. */
    public float[] apply(RgbImage image) {
        float[] out = new float[length(image)];
        apply(image, out, 0);
        return out;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }
}
