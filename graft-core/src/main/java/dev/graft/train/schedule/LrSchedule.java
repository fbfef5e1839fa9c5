package dev.graft.train.schedule;

import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.ParamGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of learning-rate schedules, {@code torch.optim.lr_scheduler}: it owns the
 * optimizer's group learning rates, counts its own steps ({@code last_epoch}) and sets the
 * rate PyTorch's scheduler would set after the same number of {@code step()} calls
 * (chained forms where PyTorch chains, so rounding matches too). {@link #unit()} says
 * whether the fit loop calls {@code step()} after every optimizer step or after every epoch.
 * As in PyTorch, constructing a schedule performs its first step (sets the initial rate).
 */
public abstract class LrSchedule {
    /** When the fit loop advances the schedule. */
    public enum Unit { STEP, EPOCH }

    protected final Optimizer optimizer;
    protected final double[] baseLrs;
    protected int lastEpoch = 0;

    protected LrSchedule(Optimizer optimizer) {
        this.optimizer = optimizer;
        List<ParamGroup> groups = optimizer.groups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            ParamGroup g = groups.get(i);
            // PyTorch remembers the rate at construction as 'initial_lr'
            if (!g.has("initial_lr")) g.set("initial_lr", g.lr());
            baseLrs[i] = g.get("initial_lr");
        }
    }

    public abstract Unit unit();

    /** Advances one epoch or step and sets the new rates. */
    public void step() {
        lastEpoch++;
        apply();
    }

    /** Sets group learning rates for the current {@code lastEpoch}. */
    protected abstract void apply();

    public int lastEpoch() { return lastEpoch; }

    /** The current learning rate of each group. */
    public double[] lrs() {
        List<ParamGroup> g = optimizer.groups();
        double[] out = new double[g.size()];
        for (int i = 0; i < out.length; i++) out[i] = g.get(i).lr();
        return out;
    }

    /** The schedule's own counters (rates themselves are saved with the optimizer). */
    public Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", getClass().getSimpleName());
        s.put("last_epoch", lastEpoch);
        return s;
    }

    /**
     * Restores counters saved by {@link #state()}; load the optimizer's state first. A
     * {@link #closedForm()} schedule then sets its rates anew from the counter, so a run
     * extended to more epochs goes on along the longer curve rather than from the rate the
     * shorter one ended at.
     */
    public void load(Map<String, Object> state) {
        Object type = state.get("type");
        if (type != null && !type.equals(getClass().getSimpleName())) {
            throw new dev.graft.GraftException("the schedule state is for " + type + ", not "
                    + getClass().getSimpleName());
        }
        lastEpoch = ((Number) state.get("last_epoch")).intValue();
        if (closedForm()) apply();
    }

    /**
     * Whether the rate is a function of the counter and the schedule's length alone (cosine,
     * one-cycle), rather than of the previous rate (step, plateau: chained, restored with the optimizer).
     */
    protected boolean closedForm() { return false; }

    protected void setLr(int group, double lr) { optimizer.groups().get(group).setLr(lr); }

    protected double lr(int group) { return optimizer.groups().get(group).lr(); }

    protected int groupCount() { return baseLrs.length; }
}
