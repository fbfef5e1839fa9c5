package dev.graft.data.transforms;

import dev.graft.GraftException;
import java.util.Locale;

/**
 * Resampling filters of Pillow's resize that torchvision's presets use. Both are the
 * antialiased Pillow filters (support scaled with the downscale factor), so results match
 * {@code PIL.Image.resize} bit for bit; nearest and box are not offered because no preset
 * uses them.
 */
public enum Interpolation {
    /** Triangle filter, support 1 (Pillow {@code Image.BILINEAR}). */
    BILINEAR(1.0),
    /** Keys cubic with a = -0.5, support 2 (Pillow {@code Image.BICUBIC}). */
    BICUBIC(2.0);

    private final double support;

    Interpolation(double support) {
        this.support = support;
    }

    double support() {
        return support;
    }

    double filter(double x) {
        if (x < 0.0) x = -x;
        if (this == BILINEAR) {
            return x < 1.0 ? 1.0 - x : 0.0;
        }
        final double a = -0.5;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /** Parses "bilinear" or "bicubic" (any case), as torchvision's InterpolationMode values. */
    public static Interpolation parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GraftException("unknown interpolation '" + name + "': use bilinear or bicubic");
        }
    }
}
