package dev.graft.data.transforms;

import dev.graft.GraftException;
import dev.graft.image.RgbImage;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomCrop(size, padding)} with constant zero fill: the image is
 * padded by {@code padding} pixels on every side, then a size x size window is taken at a
 * uniformly random position ({@code randint(0, H-h+1)}, {@code randint(0, W-w+1)}).
 * As in torchvision, an image more than one pixel smaller than the crop (after padding) is
 * an error; one pixel smaller reads black at the edge, as PIL's crop does.
 */
public final class RandomCrop implements ImageTransform {
    private final int size;
    private final int padding;

    public RandomCrop(int size, int padding) {
        if (size <= 0) throw new IllegalArgumentException("RandomCrop size must be positive, got " + size);
        if (padding < 0) throw new IllegalArgumentException("RandomCrop padding must be >= 0, got " + padding);
        this.size = size;
        this.padding = padding;
    }

    public RandomCrop(int size) {
        this(size, 0);
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        int w = image.width() + 2 * padding;
        int h = image.height() + 2 * padding;
        if (h + 1 < size || w + 1 < size) {
            throw new GraftException("RandomCrop(" + size + ") is larger than the padded image "
                    + w + "x" + h);
        }
        int i = 0;
        int j = 0;
        if (!(w == size && h == size)) {
            i = rng.nextInt(h - size + 1);
            j = rng.nextInt(w - size + 1);
        }
        return Crops.copyRegion(image, j - padding, i - padding, size, size);
    }
}
