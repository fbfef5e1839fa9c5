package dev.graft.train.schedule;

import dev.graft.train.optim.Optimizer;
import java.util.List;

/** {@code MultiStepLR(milestones, gamma)}: multiplies the rate by gamma at each milestone epoch. */
public final class MultiStepLR extends LrSchedule {
    private final List<Integer> milestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma) {
        super(optimizer);
        this.milestones = List.copyOf(milestones);
        this.gamma = gamma;
    }

    @Override
    public Unit unit() { return Unit.EPOCH; }

    @Override
    protected void apply() {
        // a milestone listed twice decays twice, as PyTorch's Counter does
        int times = 0;
        for (int m : milestones) if (m == lastEpoch) times++;
        if (times == 0) return;
        for (int i = 0; i < groupCount(); i++) setLr(i, lr(i) * Math.pow(gamma, times));
    }
}
