package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torchvision.ops.StochasticDepth(p, mode)}: in training, drops a residual branch with
 * probability p and scales what survives by 1/(1-p); in eval it is the identity. Mode "row"
 * draws one bernoulli per sample, "batch" one for the whole batch. Like {@link Dropout}, the
 * draws come from {@link Rng} so a resumed run repeats them.
 */
public class StochasticDepth extends Module {
    public final double p;
    public final String mode;

    public StochasticDepth(double p, String mode) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("drop probability has to be between 0 and 1, but got " + p);
        if (!mode.equals("row") && !mode.equals("batch")) {
            throw new IllegalArgumentException("mode has to be either 'batch' or 'row', but got " + mode);
        }
        this.p = p;
        this.mode = mode;
    }

    @Override
    public NDArray forward(NDArray x) {
        if (!isTraining() || p == 0) return x;
        long[] size = new long[x.getShape().dimension()];
        java.util.Arrays.fill(size, 1);
        if (mode.equals("row")) size[0] = x.getShape().get(0);
        // p == 1 drops everything; torchvision then leaves the zeros unscaled
        if (p == 1) return x.zerosLike();
        return x.mul(Dropout.mask(new Shape(size), p, x));
    }
}
