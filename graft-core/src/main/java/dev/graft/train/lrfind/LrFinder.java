package dev.graft.train.lrfind;

import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.nn.Module;
import dev.graft.train.Batch;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.OptimizerState;
import dev.graft.train.optim.ParamGroup;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The learning-rate range test (fastai's {@code lr_find}, Smith 2015): train for up to
 * {@code steps} steps while the rate grows exponentially from {@code start} to {@code end},
 * record each step's loss, stop when it diverges, then restore the model and the optimizer
 * exactly as they were. It knows nothing of recipes: it takes the model (its state is saved
 * and restored; null when the step function owns no module), the optimizer whose groups it
 * drives, a supplier of batches and a step function (one optimizer step on a batch, returning
 * its loss: {@code b -> fit.trainStep(b).loss()}, on images or on cached features with a
 * frozen backbone). Parameter groups keep their ratios: the group with the largest rate is
 * the reference swept from {@code start} to {@code end}, every other group follows at its
 * own fraction, and {@link #scaled} turns a suggested reference rate back into group rates.
 * Divergence: a non-finite loss, or the exponentially smoothed loss (debiased, factor
 * {@code beta}) above {@code divergence} times its minimum for 3 steps in a row (one spike
 * does not end the sweep).
 */
public final class LrFinder {
    private double start = 1e-7, end = 10, beta = 0.9, divergence = 4;
    private int steps = 100;

    public LrFinder range(double start, double end) {
        if (!(start > 0 && end > start)) throw new GraftException("the learning-rate range must satisfy 0 < start < end");
        this.start = start;
        this.end = end;
        return this;
    }

    public LrFinder steps(int n) {
        if (n < 5) throw new GraftException("the learning-rate finder needs at least 5 steps, got " + n);
        steps = n;
        return this;
    }

    /** Smoothing factor of the running loss used for the divergence test (fastai: 0.98 over 100 steps). */
    public LrFinder beta(double b) { beta = b; return this; }

    public LrFinder divergence(double factor) { divergence = factor; return this; }

    /** The reference rate at sweep step {@code i}. */
    public double lrAt(int i) { return start * Math.pow(end / start, (double) i / (steps - 1)); }

    /** Runs the sweep; the model's weights and buffers and the optimizer's state are restored afterwards. */
    public LrCurve run(Module model, Optimizer optimizer, Supplier<Batch> batches, ToDoubleFunction<Batch> step) {
        Map<String, TensorData> weights = model == null ? null : model.stateDict();
        OptimizerState saved = optimizer.stateDict();
        double[] ratio = ratios(optimizer);
        double[] lrs = new double[steps], losses = new double[steps];
        String reason = "reached the end of the range";
        int n = 0, above = 0;
        double avg = 0, best = Double.POSITIVE_INFINITY;
        try {
            for (int i = 0; i < steps; i++) {
                double lr = lrAt(i);
                for (int g = 0; g < ratio.length; g++) optimizer.groups().get(g).setLr(lr * ratio[g]);
                double loss = step.applyAsDouble(batches.get());
                lrs[i] = lr;
                losses[i] = loss;
                n = i + 1;
                if (!Double.isFinite(loss)) {
                    reason = "the loss was not finite";
                    break;
                }
                avg = beta * avg + (1 - beta) * loss;
                double smooth = avg / (1 - Math.pow(beta, i + 1));
                best = Math.min(best, smooth);
                above = smooth > divergence * best ? above + 1 : 0;
                if (above >= 3) {
                    reason = "the loss diverged";
                    break;
                }
            }
        } finally {
            if (weights != null) model.loadStateDict(weights, true);
            optimizer.loadStateDict(saved);
        }
        return new LrCurve(java.util.Arrays.copyOf(lrs, n), java.util.Arrays.copyOf(losses, n), reason);
    }

    /** Each group's rate as a fraction of the largest (1 for the reference group). */
    static double[] ratios(Optimizer optimizer) {
        double max = 0;
        for (ParamGroup g : optimizer.groups()) max = Math.max(max, g.lr());
        if (!(max > 0)) throw new GraftException("the learning-rate finder needs a positive learning rate in some group");
        double[] r = new double[optimizer.groups().size()];
        for (int g = 0; g < r.length; g++) r[g] = optimizer.groups().get(g).lr() / max;
        return r;
    }

    /** Sets the groups' rates so the reference group gets {@code lr} and the others keep their ratios. */
    public static void scaled(Optimizer optimizer, double lr) {
        double[] r = ratios(optimizer);
        for (int g = 0; g < r.length; g++) optimizer.groups().get(g).setLr(lr * r[g]);
    }
}
