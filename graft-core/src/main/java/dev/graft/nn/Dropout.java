package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * {@code nn.Dropout(p)}: in training zeroes each element with probability p and scales the
 * rest by 1/(1-p). The mask is drawn from {@link Rng} (not libtorch's generator) so a resumed
 * run draws the same masks.
 */
public class Dropout extends Module {
    public final double p;

    public Dropout(double p) { this.p = p; }

    @Override
    public NDArray forward(NDArray x) {
        if (!isTraining() || p == 0) return x;
        return x.mul(mask(x.getShape(), p, x));
    }

    /** A keep-mask of the given shape with values 0 or 1/(1-p), in {@code like}'s manager. */
    static NDArray mask(Shape shape, double p, NDArray like) {
        SplittableRandom r = Rng.get();
        float keep = (float) (1.0 / (1.0 - p));
        float[] m = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < m.length; i++) m[i] = r.nextDouble() >= p ? keep : 0f;
        return like.getManager().create(m, shape);
    }
}
