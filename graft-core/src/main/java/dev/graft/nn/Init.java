package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Weight initialisers with {@code torch.nn.init}'s distributions, drawn from {@link Rng}.
 * They create new arrays; a module sets them with {@link Parameter#set}.
 */
public final class Init {
    private Init() {}

    public static NDArray uniform(Shape shape, double low, double high) {
        SplittableRandom r = Rng.get();
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (low + (high - low) * r.nextDouble());
        return Engine.root().create(v, shape);
    }

    public static NDArray normal(Shape shape, double mean, double std) {
        SplittableRandom r = Rng.get();
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i += 2) {
            // Box-Muller: SplittableRandom has no nextGaussian in Java 17
            double u1 = 1.0 - r.nextDouble(), u2 = r.nextDouble();
            double rad = Math.sqrt(-2 * Math.log(u1));
            v[i] = (float) (mean + std * rad * Math.cos(2 * Math.PI * u2));
            if (i + 1 < v.length) v[i + 1] = (float) (mean + std * rad * Math.sin(2 * Math.PI * u2));
        }
        return Engine.root().create(v, shape);
    }

    public static NDArray constant(Shape shape, float value) {
        return Engine.root().full(shape, value);
    }

    /** fan_in and fan_out of a weight as torch computes them. */
    public static long[] fans(Shape shape) {
        long receptive = 1;
        for (int i = 2; i < shape.dimension(); i++) receptive *= shape.get(i);
        return new long[] {shape.get(1) * receptive, shape.get(0) * receptive};
    }

    /** {@code kaiming_normal_(w, mode="fan_out", nonlinearity="relu")}, torchvision's conv init. */
    public static NDArray kaimingNormalFanOut(Shape shape) {
        return normal(shape, 0, Math.sqrt(2.0 / fans(shape)[1]));
    }

    /** PyTorch's default for Conv and Linear weights: kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(fan_in)). */
    public static NDArray defaultWeight(Shape shape) {
        double bound = 1.0 / Math.sqrt(fans(shape)[0]);
        return uniform(shape, -bound, bound);
    }

    /** PyTorch's default bias: U(+-1/sqrt(fan_in)) of the weight. */
    public static NDArray defaultBias(Shape weightShape, long size) {
        double bound = 1.0 / Math.sqrt(fans(weightShape)[0]);
        return uniform(new Shape(size), -bound, bound);
    }
}
