package dev.graft.eval;

import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.Preset;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Images prepared for inference as a preset says (eval transform, then ToTensor + Normalize)
 * and packed into one input batch {@code [n, 3, crop, crop]}; an image that cannot be read is
 * left out and keeps its failure. {@link Predictor}, {@code graft serve} and the Spark job
 * prepare their batches here, so they give the same inputs.
 */
public final class ImageBatch {
    /** Reads one image and applies {@code transform} to it (decoding it first, or taking a shortcut). */
    public interface Reader {
        RgbImage read(ImageTransform transform) throws IOException;
    }

    private final float[] x;
    private final int n, crop;
    private final int[] slot;
    private final Exception[] failures;

    private ImageBatch(float[] x, int n, int crop, int[] slot, Exception[] failures) {
        this.x = x;
        this.n = n;
        this.crop = crop;
        this.slot = slot;
        this.failures = failures;
    }

    /** Prepares every image of {@code images}, in order. */
    public static ImageBatch pack(List<Reader> images, Preset preset) {
        ImageTransform transform = preset.evalTransform();
        var normalize = preset.normalizer();
        int crop = preset.crop(), per = 3 * crop * crop;
        float[] x = new float[images.size() * per];
        int[] slot = new int[images.size()];
        Exception[] failures = new Exception[images.size()];
        int n = 0;
        for (int i = 0; i < images.size(); i++) {
            try {
                normalize.apply(images.get(i).read(transform), x, n * per);
                slot[i] = n++;
            } catch (IOException | RuntimeException e) {
                failures[i] = e;
                slot[i] = -1;
            }
        }
        return new ImageBatch(n == images.size() ? x : Arrays.copyOf(x, n * per), n, crop, slot, failures);
    }

    /** How many images were read. */
    public int size() { return n; }

    /** The packed inputs of the images read. */
    public float[] input() { return x; }

    public long[] shape() { return new long[] {n, 3, crop, crop}; }

    /** Row of image {@code i} in the batch, or -1 when it could not be read. */
    public int row(int i) { return slot[i]; }

    /** Why image {@code i} could not be read (null when it was). */
    public Exception failure(int i) { return failures[i]; }

    /** A reader of a decoded image (the transform is applied as {@code graft predict} does, with a fixed seed). */
    public static Reader of(IoSupplier image) {
        return t -> t.apply(image.get(), new SplittableRandom(0));
    }

    /** An image supplier that may fail to read. */
    public interface IoSupplier {
        RgbImage get() throws IOException;
    }
}
