package dev.graft.train;

import java.util.Arrays;

/**
 * One batch as the fit loop consumes it: row-major float inputs of the given shape
 * ({@code [N, 3, H, W]} normalised CHW images, or {@code [N, D]} cached features), the
 * class index of each sample and, when the data side knows them, each sample's dataset
 * index (null otherwise; the feature cache uses them to follow the loader's order). Plain
 * arrays keep the data side free of engine types.
 */
public record Batch(float[] x, int[] labels, long[] shape, int[] indices) {
    public Batch(float[] x, int[] labels, long[] shape) { this(x, labels, shape, null); }

    public Batch {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != x.length) throw new IllegalArgumentException("batch of shape " + Arrays.toString(shape)
                + " needs " + n + " values, got " + x.length);
        if (labels != null && labels.length != shape[0]) {
            throw new IllegalArgumentException("batch of " + shape[0] + " samples has " + labels.length + " labels");
        }
        if (indices != null && indices.length != shape[0]) {
            throw new IllegalArgumentException("batch of " + shape[0] + " samples has " + indices.length + " indices");
        }
    }

    /** Images {@code [n, 3, h, w]}, normalised, channels first. */
    public static Batch images(float[] images, int[] labels, int n, int h, int w) {
        return new Batch(images, labels, new long[] {n, 3, h, w});
    }

    /** Feature vectors {@code [n, dim]}. */
    public static Batch features(float[] features, int[] labels, int n, int dim) {
        return new Batch(features, labels, new long[] {n, dim});
    }

    public int n() { return (int) shape[0]; }
}
