package dev.graft.testutil;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Random test inputs drawn from a seed, so a test sees the same numbers whatever ran before it
 * ({@code NDManager.randomNormal} draws from libtorch's global generator, which every earlier
 * test advances).
 */
public final class SeededInputs {
    private SeededInputs() {}

    /** Standard normal values of the given shape, from {@code seed}. */
    public static NDArray normal(NDManager manager, long seed, Shape shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return manager.create(v, shape);
    }
}
