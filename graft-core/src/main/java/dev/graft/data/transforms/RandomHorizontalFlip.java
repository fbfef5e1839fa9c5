package dev.graft.data.transforms;

import dev.graft.image.RgbImage;
import java.util.SplittableRandom;

/** torchvision's {@code RandomHorizontalFlip(p)}: mirrors the image when a uniform draw is below p. */
public final class RandomHorizontalFlip implements ImageTransform {
    private final double p;

    public RandomHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
        this.p = p;
    }

    /** p = 0.5, torchvision's default. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        return rng.nextDouble() < p ? flip(image) : image;
    }

    /** The mirror image (left-right). */
    public static RgbImage flip(RgbImage image) {
        return Crops.flipHorizontal(image);
    }
}
