package dev.graft.train.schedule;

import dev.graft.train.optim.Optimizer;

/**
 * {@code StepLR(step_size, gamma)}: multiplies the rate by gamma every {@code stepSize}
 * epochs (the seeds' {@code StepLR(optimizer, step_size=7, gamma=0.1)}, stepped once per
 * epoch). Chained as PyTorch does ({@code lr *= gamma}), which gives the same doubles as the
 * closed form {@code base * gamma^(epoch / stepSize)} for the usual gammas.
 */
public final class StepLR extends LrSchedule {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) throw new dev.graft.GraftException("StepLR step size must be positive, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override
    public Unit unit() { return Unit.EPOCH; }

    @Override
    protected void apply() {
        if (lastEpoch == 0 || lastEpoch % stepSize != 0) return;
        for (int i = 0; i < groupCount(); i++) setLr(i, lr(i) * gamma);
    }
}
