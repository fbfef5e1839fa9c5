package dev.graft.data.transforms;

import dev.graft.image.RgbImage;
import java.util.SplittableRandom;

/**
 * torchvision's {@code CenterCrop}: the offset is {@code round((H-h)/2)} with Python's
 * round (half to even), and an image smaller than the crop is first zero-padded
 * ((diff)//2 before, (diff+1)//2 after), exactly as {@code F.center_crop} does.
 */
public final class CenterCrop implements ImageTransform {
    private final int width;
    private final int height;

    public CenterCrop(int size) {
        this(size, size);
    }

    /** Note the order, width then height (torchvision's tuple is (h, w)). */
    public CenterCrop(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("CenterCrop size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        return crop(image, width, height);
    }

    /** The centre crop of the given size. */
    public static RgbImage crop(RgbImage image, int width, int height) {
        int iw = image.width();
        int ih = image.height();
        // Pad amounts as torchvision computes them, expressed as a shift of the origin.
        int padLeft = width > iw ? (width - iw) / 2 : 0;
        int padTop = height > ih ? (height - ih) / 2 : 0;
        int pw = width > iw ? width : iw;
        int ph = height > ih ? height : ih;
        if (pw == width && ph == height && pw == iw && ph == ih) return image;
        int top = (int) Math.rint((ph - height) / 2.0);
        int left = (int) Math.rint((pw - width) / 2.0);
        return Crops.copyRegion(image, left - padLeft, top - padTop, width, height);
    }
}
