package dev.graft.data.transforms;

import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio, interpolation)}: up to ten
 * tries of a random area fraction in {@code scale} and a log-uniform aspect ratio in
 * {@code ratio}, accepted when the box fits; otherwise the centred fallback crop with the
 * ratio clamped. The chosen box is then resized to size x size with Pillow's filter as if
 * cropped first ({@code F.resized_crop}), bit-exact for a given box. Random numbers come
 * from the given {@link SplittableRandom}, not torch's generator, so boxes follow the same
 * distribution but not the same sequence as torchvision.
 */
public final class RandomResizedCrop implements EncodedImageTransform {
    private final int size;
    private final double[] scale;
    private final double[] ratio;
    private final Interpolation interpolation;

    public RandomResizedCrop(int size, double[] scale, double[] ratio, Interpolation interpolation) {
        if (size <= 0) throw new IllegalArgumentException("RandomResizedCrop size must be positive, got " + size);
        if (scale.length != 2 || ratio.length != 2 || scale[0] > scale[1] || ratio[0] > ratio[1]) {
            throw new IllegalArgumentException("scale and ratio must be (min, max) pairs");
        }
        this.size = size;
        this.scale = scale.clone();
        this.ratio = ratio.clone();
        this.interpolation = interpolation;
    }

    /** scale (0.08, 1), ratio (3/4, 4/3), torchvision's defaults. */
    public RandomResizedCrop(int size, Interpolation interpolation) {
        this(size, new double[] {0.08, 1.0}, new double[] {3.0 / 4.0, 4.0 / 3.0}, interpolation);
    }

    public RandomResizedCrop(int size) {
        this(size, Interpolation.BILINEAR);
    }

    /** torchvision's {@code get_params}: returns {i (top), j (left), h, w}. */
    public static int[] getParams(int width, int height, double[] scale, double[] ratio,
                                  SplittableRandom rng) {
        double area = (double) height * width;
        double logR0 = Math.log(ratio[0]);
        double logR1 = Math.log(ratio[1]);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * uniform(rng, scale[0], scale[1]);
            double aspect = Math.exp(uniform(rng, logR0, logR1));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int i = rng.nextInt(height - h + 1);
                int j = rng.nextInt(width - w + 1);
                return new int[] {i, j, h, w};
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < Math.min(ratio[0], ratio[1])) {
            w = width;
            h = (int) Math.rint(w / Math.min(ratio[0], ratio[1]));
        } else if (inRatio > Math.max(ratio[0], ratio[1])) {
            h = height;
            w = (int) Math.rint(h * Math.max(ratio[0], ratio[1]));
        } else {
            w = width;
            h = height;
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        int[] p = getParams(image.width(), image.height(), scale, ratio, rng);
        return resizedCrop(image, p[0], p[1], p[2], p[3], size, size, interpolation);
    }

    /**
     * This transform followed by {@code RandomHorizontalFlip(p)}, fused: the same output and
     * the same random draws as {@code then(new RandomHorizontalFlip(p))}, but the mirroring
     * happens inside the resize at no cost (the training hot path).
     */
    public EncodedImageTransform withHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
        return new EncodedImageTransform() {
            @Override
            public RgbImage apply(RgbImage image, SplittableRandom rng) {
                int[] b = getParams(image.width(), image.height(), scale, ratio, rng);
                boolean mirror = rng.nextDouble() < p;
                return resizedCrop(image, b[0], b[1], b[2], b[3], size, size, interpolation, mirror);
            }

            @Override
            public RgbImage applyEncoded(byte[] encoded, SplittableRandom rng) throws IOException {
                return RandomResizedCrop.this.applyEncoded(encoded, rng, true, p);
            }
        };
    }

    @Override
    public RgbImage applyEncoded(byte[] encoded, SplittableRandom rng) throws IOException {
        return applyEncoded(encoded, rng, false, 0.0);
    }

    /** Decodes only the drawn box (same draws as apply), then resizes it, mirrored if a flip is drawn. */
    private RgbImage applyEncoded(byte[] encoded, SplittableRandom rng, boolean flip, double flipP)
            throws IOException {
        int[] wh = ImageDecoder.size(encoded);
        if (wh == null) {
            RgbImage image = ImageDecoder.decode(encoded);
            wh = new int[] {image.width(), image.height()};
            int[] b = getParams(wh[0], wh[1], scale, ratio, rng);
            boolean mirror = flip && rng.nextDouble() < flipP;
            return resizedCrop(image, b[0], b[1], b[2], b[3], size, size, interpolation, mirror);
        }
        int[] b = getParams(wh[0], wh[1], scale, ratio, rng);
        boolean mirror = flip && rng.nextDouble() < flipP;
        RgbImage box = ImageDecoder.decodeRegion(encoded, b[1], b[0], b[3], b[2]);
        return Resampler.resizeRegion(box, 0, 0, b[3], b[2], size, size, interpolation, mirror);
    }

    /** torchvision's {@code F.resized_crop} on a PIL image: crop (top i, left j, h, w), then resize. */
    public static RgbImage resizedCrop(RgbImage image, int i, int j, int h, int w,
                                       int outW, int outH, Interpolation interpolation) {
        return resizedCrop(image, i, j, h, w, outW, outH, interpolation, false);
    }

    private static RgbImage resizedCrop(RgbImage image, int i, int j, int h, int w,
                                        int outW, int outH, Interpolation interpolation, boolean mirror) {
        if (i < 0 || j < 0 || i + h > image.height() || j + w > image.width()) {
            // Boxes leaving the image need PIL's zero fill; take the general path.
            RgbImage crop = Crops.copyRegion(image, j, i, w, h);
            return Resampler.resizeRegion(crop, 0, 0, w, h, outW, outH, interpolation, mirror);
        }
        return Resampler.resizeRegion(image, j, i, w, h, outW, outH, interpolation, mirror);
    }
}
