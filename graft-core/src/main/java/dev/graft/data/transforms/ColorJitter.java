package dev.graft.data.transforms;

import dev.graft.image.RgbImage;
import java.util.SplittableRandom;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)} on a PIL image:
 * factors drawn uniformly from [max(0, 1-b), 1+b] (hue from [-h, h]) and the four
 * adjustments applied in a random order. Each adjustment reproduces the PIL operation
 * torchvision calls ({@code ImageEnhance.Brightness/Contrast/Color}, which blend with a
 * degenerate image in float32, and the HSV round trip of {@code adjust_hue}), so for given
 * factors the result is bit-identical to torchvision's; a zero argument disables that part.
 */
public final class ColorJitter implements ImageTransform {
    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;

    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        if (brightness < 0 || contrast < 0 || saturation < 0) {
            throw new IllegalArgumentException("ColorJitter brightness, contrast and saturation must be >= 0");
        }
        if (hue < 0 || hue > 0.5) throw new IllegalArgumentException("ColorJitter hue must be in [0, 0.5], got " + hue);
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[k];
            order[k] = t;
        }
        double b = brightness > 0 ? uniform(rng, Math.max(0, 1 - brightness), 1 + brightness) : -1;
        double c = contrast > 0 ? uniform(rng, Math.max(0, 1 - contrast), 1 + contrast) : -1;
        double s = saturation > 0 ? uniform(rng, Math.max(0, 1 - saturation), 1 + saturation) : -1;
        double h = hue > 0 ? uniform(rng, -hue, hue) : 0;
        for (int fn : order) {
            switch (fn) {
                case 0 -> image = b >= 0 ? adjustBrightness(image, b) : image;
                case 1 -> image = c >= 0 ? adjustContrast(image, c) : image;
                case 2 -> image = s >= 0 ? adjustSaturation(image, s) : image;
                default -> image = hue > 0 ? adjustHue(image, h) : image;
            }
        }
        return image;
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /** {@code ImageEnhance.Brightness(img).enhance(factor)}: blend with black. */
    public static RgbImage adjustBrightness(RgbImage img, double factor) {
        byte[] px = img.pixels();
        byte[] out = new byte[px.length];
        float alpha = (float) factor;
        boolean inRange = alpha >= 0 && alpha <= 1.0;
        for (int i = 0; i < px.length; i++) {
            out[i] = blend(0, px[i] & 0xFF, alpha, inRange);
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    /** {@code ImageEnhance.Contrast(img).enhance(factor)}: blend with the rounded mean grey level. */
    public static RgbImage adjustContrast(RgbImage img, double factor) {
        byte[] px = img.pixels();
        long sum = 0;
        for (int p = 0; p < px.length; p += 3) {
            sum += luma(px, p);
        }
        int mean = (int) ((double) sum / (px.length / 3) + 0.5);
        byte[] out = new byte[px.length];
        float alpha = (float) factor;
        boolean inRange = alpha >= 0 && alpha <= 1.0;
        for (int i = 0; i < px.length; i++) {
            out[i] = blend(mean, px[i] & 0xFF, alpha, inRange);
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    /** {@code ImageEnhance.Color(img).enhance(factor)}: blend with the image's grey version. */
    public static RgbImage adjustSaturation(RgbImage img, double factor) {
        byte[] px = img.pixels();
        byte[] out = new byte[px.length];
        float alpha = (float) factor;
        boolean inRange = alpha >= 0 && alpha <= 1.0;
        for (int p = 0; p < px.length; p += 3) {
            int l = luma(px, p);
            out[p] = blend(l, px[p] & 0xFF, alpha, inRange);
            out[p + 1] = blend(l, px[p + 1] & 0xFF, alpha, inRange);
            out[p + 2] = blend(l, px[p + 2] & 0xFF, alpha, inRange);
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    /**
     * torchvision's {@code F_pil.adjust_hue}: PIL RGB->HSV, add {@code uint8(factor*255)} to H
     * with wrap-around, HSV->RGB.
     */
    public static RgbImage adjustHue(RgbImage img, double factor) {
        if (factor < -0.5 || factor > 0.5) throw new IllegalArgumentException("hue factor must be in [-0.5, 0.5]");
        // numpy's uint8(x) of a float truncates toward zero, then wraps modulo 256.
        int shift = ((int) (factor * 255)) & 0xFF;
        byte[] px = img.pixels();
        byte[] out = new byte[px.length];
        int[] hsv = new int[3];
        for (int p = 0; p < px.length; p += 3) {
            Hsv.rgbToHsv(px[p] & 0xFF, px[p + 1] & 0xFF, px[p + 2] & 0xFF, hsv);
            Hsv.hsvToRgb((hsv[0] + shift) & 0xFF, hsv[1], hsv[2], out, p);
        }
        return new RgbImage(img.width(), img.height(), out);
    }

    /** Pillow's RGB -> L: ITU-R 601-2 luma in 16-bit fixed point, rounded. */
    static int luma(byte[] px, int p) {
        return ((px[p] & 0xFF) * 19595 + (px[p + 1] & 0xFF) * 38470 + (px[p + 2] & 0xFF) * 7471 + 0x8000) >> 16;
    }

    /** Pillow's ImagingBlend for one sample: in1 + alpha * (in2 - in1) in float32. */
    private static byte blend(int in1, int in2, float alpha, boolean inRange) {
        float t = in1 + alpha * (in2 - in1);
        if (inRange) return (byte) (int) t;
        if (t <= 0.0f) return 0;
        if (t >= 255.0f) return (byte) 255;
        return (byte) (int) t;
    }
}
