package dev.graft.train.schedule;

import dev.graft.train.optim.Optimizer;

/**
 * Cosine annealing with linear warmup, in closed form: for {@code t < warmup} the rate rises
 * linearly from {@code base*warmupStartFactor} to {@code base} (PyTorch's {@code LinearLR}),
 * then falls as {@code minLr + (base-minLr)(1+cos(pi (t-warmup)/(total-warmup)))/2}
 * ({@code CosineAnnealingLR(T_max = total - warmup, eta_min)}); beyond {@code total} it stays
 * at {@code minLr}. The unit is chosen at construction: per optimizer step (warmup in steps,
 * the usual choice) or per epoch. PyTorch composes this from {@code SequentialLR}; Graft
 * uses the closed form, equal up to rounding (tested to 1e-9 relative against PyTorch).
 */
public final class CosineLR extends LrSchedule {
    private final int warmup, total;
    private final double minLr, warmupStartFactor;
    private final Unit unit;

    public CosineLR(Optimizer optimizer, Unit unit, int warmup, int total, double minLr, double warmupStartFactor) {
        super(optimizer);
        if (total <= warmup) throw new dev.graft.GraftException("cosine schedule: total " + total
                + " must exceed warmup " + warmup);
        this.unit = unit;
        this.warmup = warmup;
        this.total = total;
        this.minLr = minLr;
        this.warmupStartFactor = warmupStartFactor;
        apply();
    }

    /** Cosine over {@code total} units without warmup, down to {@code minLr}. */
    public CosineLR(Optimizer optimizer, Unit unit, int total, double minLr) {
        this(optimizer, unit, 0, total, minLr, 1.0);
    }

    @Override
    protected boolean closedForm() { return true; }

    @Override
    public Unit unit() { return unit; }

    @Override
    protected void apply() {
        for (int i = 0; i < groupCount(); i++) setLr(i, lrAt(baseLrs[i], lastEpoch));
    }

    double lrAt(double base, int t) {
        if (t < warmup) return base * (warmupStartFactor + (1 - warmupStartFactor) * t / warmup);
        if (t >= total) return minLr;
        double progress = (double) (t - warmup) / (total - warmup);
        return minLr + (base - minLr) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
