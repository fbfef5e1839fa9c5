package dev.graft.data;

/**
 * One batch from the {@link Loader}: {@code size} images as float32 in NCHW order
 * ({@code data[((n*3 + c)*height + y)*width + x]}, normalized), their labels, and the
 * dataset indices of the images actually used (an unreadable image's replacement shows
 * here with its own index). Plain Java so it can be tested without a tensor engine;
 * {@link #close()} hands the float buffer back for reuse, after which it must not be read.
 */
public final class Batch implements AutoCloseable {
    private final int epoch;
    private final int number;
    private final int height;
    private final int width;
    private final float[] data;
    private final int[] labels;
    private final int[] indices;
    private final Loader owner;

    Batch(int epoch, int number, int height, int width, float[] data, int[] labels, int[] indices, Loader owner) {
        this.epoch = epoch;
        this.number = number;
        this.height = height;
        this.width = width;
        this.data = data;
        this.labels = labels;
        this.indices = indices;
        this.owner = owner;
    }

    /** The epoch this batch belongs to. */
    public int epoch() {
        return epoch;
    }

    /** 0-based position of this batch within its epoch. */
    public int number() {
        return number;
    }

    /** Number of images (batch size, or fewer for a last batch kept with dropLast false). */
    public int size() {
        return labels.length;
    }

    public int channels() {
        return 3;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Shape as PyTorch would print it: {N, 3, H, W}. */
    public long[] shape() {
        return new long[] {size(), 3, height, width};
    }

    /** NCHW float32 pixels, length {@code size()*3*height()*width()}. */
    public float[] data() {
        return data;
    }

    public int[] labels() {
        return labels;
    }

    /** Dataset index of each image in the batch. */
    public int[] indices() {
        return indices;
    }

    /** Returns the float buffer to the loader's pool; do not read {@link #data()} afterwards. */
    @Override
    public void close() {
        if (owner != null) owner.recycle(data);
    }
}
