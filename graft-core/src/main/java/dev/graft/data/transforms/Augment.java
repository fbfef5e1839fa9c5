package dev.graft.data.transforms;

import dev.graft.GraftException;
import java.util.Locale;

/**
 * Training augmentation presets ({@code --augment}), each ending in uint8 RGB at the
 * preset's crop size (normalise afterwards with {@link Preset#normalizer()}):
 * {@code STANDARD} is the ImageNet recipe of the torchvision references and the seeds,
 * RandomResizedCrop(crop) + RandomHorizontalFlip; {@code LIGHT} suits small images (CIFAR,
 * STL-10): Resize(crop) + RandomCrop(crop, padding = crop/8) + RandomHorizontalFlip;
 * {@code NONE} is the eval transform (resize + centre crop).
 */
public enum Augment {
    STANDARD,
    LIGHT,
    NONE;

    /** The pipeline for a preset. */
    public ImageTransform build(Preset preset) {
        int size = preset.crop();
        Interpolation interp = preset.interpolation();
        return switch (this) {
            case STANDARD -> new RandomResizedCrop(size, interp).withHorizontalFlip(0.5);
            case LIGHT -> new Resize(size, interp)
                    .then(new RandomCrop(size, size / 8))
                    .then(new RandomHorizontalFlip());
            case NONE -> preset.evalTransform();
        };
    }

    /** Parses "standard", "light" or "none" (any case). */
    public static Augment parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GraftException("unknown augmentation '" + name + "': use standard, light or none");
        }
    }
}
