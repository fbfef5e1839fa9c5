package dev.graft.data.transforms;

import java.util.Arrays;

/**
 * A torchvision inference preset ({@code ImageClassification} in torchvision's weight
 * descriptors): resize the short side to {@code resize}, centre-crop {@code crop}, then
 * normalise with {@code mean} and {@code std}. Builds the eval pipeline, the training
 * pipelines of the {@link Augment} presets, and a copy scaled to another image size.
 */
public record Preset(int resize, int crop, Interpolation interpolation, double[] mean, double[] std) {
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    /** The largest resize or crop, in pixels (a batch of 16 such images already takes 3 GB). */
    public static final int MAX_SIZE = 4096;

    public Preset {
        if (resize <= 0 || crop <= 0 || resize > MAX_SIZE || crop > MAX_SIZE) {
            throw new IllegalArgumentException("preset resize and crop must be from 1 to " + MAX_SIZE + ", got "
                    + resize + " and " + crop);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("preset mean and std need 3 values");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** ImageNet mean/std with the given sizes and filter (e.g. 256, 224, BILINEAR). */
    public static Preset imagenet(int resize, int crop, Interpolation interpolation) {
        return new Preset(resize, crop, interpolation, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** torchvision's default: resize 256, crop 224, bilinear, ImageNet statistics. */
    public static Preset imagenetDefault() {
        return imagenet(256, 224, Interpolation.BILINEAR);
    }

    /** Resize then centre crop (uint8 part of the eval transform; finish with {@link #normalizer()}). */
    public ImageTransform evalTransform() {
        return new Resize(resize, interpolation).then(new CenterCrop(crop));
    }

    /** The final ToTensor + Normalize step with this preset's statistics. */
    public ToTensorNormalize normalizer() {
        return new ToTensorNormalize(mean, std);
    }

    /** Training augmentation of the given kind at this preset's crop size. */
    public ImageTransform trainTransform(Augment augment) {
        return augment.build(this);
    }

    /**
     * The same preset for another input size: crop becomes {@code imageSize} and resize keeps
     * its ratio to the crop, {@code round(resize * imageSize / crop)} (256/224 at 224 -> 256,
     * at 112 -> 128).
     */
    public Preset scaledTo(int imageSize) {
        if (imageSize <= 0) throw new IllegalArgumentException("image size must be positive, got " + imageSize);
        int r = (int) Math.round((double) resize * imageSize / crop);
        return new Preset(r, imageSize, interpolation, mean, std);
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preset p && p.resize == resize && p.crop == crop
                && p.interpolation == interpolation && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new double[] {resize, crop, interpolation.ordinal()}) * 31
                + Arrays.hashCode(mean) * 7 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preset[resize=" + resize + ", crop=" + crop + ", interpolation=" + interpolation
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
