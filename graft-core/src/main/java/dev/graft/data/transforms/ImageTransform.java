package dev.graft.data.transforms;

import dev.graft.image.RgbImage;
import java.util.SplittableRandom;

/**
 * One step of an image pipeline on 8-bit RGB, like a torchvision transform on a PIL image.
 * Random transforms draw only from the given generator, which the loader derives from
 * (seed, epoch, sample index), so results never depend on thread timing.
 */
@FunctionalInterface
public interface ImageTransform {
    RgbImage apply(RgbImage image, SplittableRandom rng);

    default ImageTransform then(ImageTransform next) {
        return (img, rng) -> next.apply(apply(img, rng), rng);
    }
}
