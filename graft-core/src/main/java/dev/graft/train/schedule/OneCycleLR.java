package dev.graft.train.schedule;

import dev.graft.GraftException;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.ParamGroup;

/**
 * {@code OneCycleLR} (two-phase, cosine annealing), stepped after every optimizer step: the
 * rate rises from {@code maxLr/divFactor} to {@code maxLr} over the first
 * {@code pctStart*totalSteps - 1} steps, then falls to {@code initial/finalDivFactor} at step
 * {@code totalSteps-1}. With momentum cycling, SGD's {@code momentum} (or Adam's
 * {@code beta1}) moves the opposite way between {@code maxMomentum} and {@code baseMomentum}.
 * PyTorch's defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4, momentum
 * 0.85-0.95. Stepping past {@code totalSteps} is an error, as in PyTorch. As PyTorch's
 * {@code max_lr} list, {@code maxLrs} gives each parameter group its own peak (a fine-tuned
 * backbone keeps its lower rate); a single {@code maxLr} is every group's.
 */
public final class OneCycleLR extends LrSchedule {
    private final int totalSteps;
    private final double[] maxLrs, initialLrs, minLrs;
    private final double pctStart, baseMomentum, maxMomentum;
    private final boolean cycleMomentum;

    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, double divFactor,
                      double finalDivFactor, boolean cycleMomentum, double baseMomentum, double maxMomentum) {
        this(optimizer, same(optimizer, maxLr), totalSteps, pctStart, divFactor, finalDivFactor, cycleMomentum,
                baseMomentum, maxMomentum);
    }

    /** One peak rate per parameter group, in the optimizer's group order. */
    public OneCycleLR(Optimizer optimizer, double[] maxLrs, int totalSteps, double pctStart, double divFactor,
                      double finalDivFactor, boolean cycleMomentum, double baseMomentum, double maxMomentum) {
        super(optimizer);
        if (maxLrs.length != groupCount()) {
            throw new GraftException("one-cycle schedule: " + maxLrs.length + " peak rates for " + groupCount()
                    + " parameter groups");
        }
        if (totalSteps <= 0) throw new GraftException("one-cycle schedule needs a positive step count, got " + totalSteps);
        this.totalSteps = totalSteps;
        this.pctStart = pctStart;
        this.cycleMomentum = cycleMomentum;
        this.baseMomentum = baseMomentum;
        this.maxMomentum = maxMomentum;
        int n = groupCount();
        this.maxLrs = maxLrs.clone();
        initialLrs = new double[n];
        minLrs = new double[n];
        for (int i = 0; i < n; i++) {
            ParamGroup g = optimizer.groups().get(i);
            initialLrs[i] = this.maxLrs[i] / divFactor;
            minLrs[i] = initialLrs[i] / finalDivFactor;
            g.set("initial_lr", initialLrs[i]);
            g.set("max_lr", this.maxLrs[i]);
            if (cycleMomentum && !g.has("momentum") && !g.has("beta1")) {
                throw new GraftException("momentum cycling needs an optimizer with momentum or beta1");
            }
        }
        apply();
    }

    /** PyTorch's defaults. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, same(optimizer, maxLr), totalSteps);
    }

    /** PyTorch's defaults, a peak rate per group. */
    public OneCycleLR(Optimizer optimizer, double[] maxLrs, int totalSteps) {
        this(optimizer, maxLrs, totalSteps, 0.3, 25, 1e4, true, 0.85, 0.95);
    }

    /** Each group's current rate times {@code factor}: peaks that keep the groups' ratios. */
    public static double[] groupRates(Optimizer optimizer, double factor) {
        return optimizer.groups().stream().mapToDouble(g -> g.lr() * factor).toArray();
    }

    private static double[] same(Optimizer optimizer, double maxLr) {
        double[] out = new double[optimizer.groups().size()];
        java.util.Arrays.fill(out, maxLr);
        return out;
    }

    @Override
    protected boolean closedForm() { return true; }

    @Override
    public Unit unit() { return Unit.STEP; }

    @Override
    protected void apply() {
        if (lastEpoch > totalSteps) {
            throw new GraftException("the one-cycle schedule was stepped " + lastEpoch + " times but was built for "
                    + totalSteps + " steps");
        }
        double end1 = pctStart * totalSteps - 1, end2 = totalSteps - 1;
        for (int i = 0; i < groupCount(); i++) {
            double lr, mom;
            if (lastEpoch <= end1) {
                double pct = lastEpoch / end1;
                lr = anneal(initialLrs[i], maxLrs[i], pct);
                mom = anneal(maxMomentum, baseMomentum, pct);
            } else {
                double pct = (lastEpoch - end1) / (end2 - end1);
                lr = anneal(maxLrs[i], minLrs[i], pct);
                mom = anneal(baseMomentum, maxMomentum, pct);
            }
            setLr(i, lr);
            if (cycleMomentum) {
                ParamGroup g = optimizer.groups().get(i);
                g.set(g.has("beta1") ? "beta1" : "momentum", mom);
            }
        }
    }

    private static double anneal(double start, double end, double pct) {
        double cosOut = Math.cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }
}
