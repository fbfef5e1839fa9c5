package dev.graft.data.transforms;

import dev.graft.image.RgbImage;
import java.util.SplittableRandom;

/**
 * torchvision's {@code Resize(size)} with an int size on a PIL image: the shorter side
 * becomes {@code size}, the longer {@code int(size * long / short)}, resampled with
 * Pillow's antialiased filter (bit-exact with {@code PIL.Image.resize}). An image that
 * already has the target size is returned unchanged. With {@code Resize(width, height, ...)}
 * the output size is given exactly, like torchvision's {@code Resize((h, w))}.
 */
public final class Resize implements ImageTransform {
    private final int size;
    private final int fixedW;
    private final int fixedH;
    private final Interpolation interpolation;

    public Resize(int size, Interpolation interpolation) {
        if (size <= 0) throw new IllegalArgumentException("Resize size must be positive, got " + size);
        this.size = size;
        this.fixedW = -1;
        this.fixedH = -1;
        this.interpolation = interpolation;
    }

    /** Bilinear, torchvision's default. */
    public Resize(int size) {
        this(size, Interpolation.BILINEAR);
    }

    /** Exact output size (note the order: width, height). */
    public Resize(int width, int height, Interpolation interpolation) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Resize size must be positive, got " + width + "x" + height);
        }
        this.size = -1;
        this.fixedW = width;
        this.fixedH = height;
        this.interpolation = interpolation;
    }

    public int size() {
        return size;
    }

    public Interpolation interpolation() {
        return interpolation;
    }

    /** {width, height} torchvision produces when resizing the short side of w x h to size. */
    public static int[] outputSize(int width, int height, int size) {
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        // Python: int(size * long / short), true division in double then truncation.
        int newLong = (int) ((double) ((long) size * longSide) / shortSide);
        return width <= height ? new int[] {size, newLong} : new int[] {newLong, size};
    }

    /** Pillow's {@code img.resize((width, height), filter)} on the whole image. */
    public static RgbImage resize(RgbImage image, int width, int height, Interpolation interpolation) {
        if (image.width() == width && image.height() == height) return image;
        return Resampler.resizeRegion(image, 0, 0, image.width(), image.height(), width, height, interpolation, false);
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        if (size < 0) return resize(image, fixedW, fixedH, interpolation);
        int[] wh = outputSize(image.width(), image.height(), size);
        return resize(image, wh[0], wh[1], interpolation);
    }
}
