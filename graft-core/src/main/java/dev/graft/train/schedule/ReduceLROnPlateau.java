package dev.graft.train.schedule;

import dev.graft.train.optim.Optimizer;
import java.util.Map;

/**
 * {@code ReduceLROnPlateau}: after {@code patience} epochs without improvement of the
 * monitored metric (mode MAX for validation accuracy, MIN for a loss; relative threshold
 * 1e-4 as PyTorch), multiplies the rate by {@code factor}, not below {@code minLr}, then
 * waits {@code cooldown} epochs. The fit loop passes the metric through {@link #step(double)}.
 */
public final class ReduceLROnPlateau extends LrSchedule {
    public enum Mode { MIN, MAX }

    private final Mode mode;
    private final double factor, threshold, minLr, eps = 1e-8;
    private final int patience, cooldown;
    private double best;
    private int numBadEpochs, cooldownCounter;

    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience, double threshold,
                             int cooldown, double minLr) {
        super(optimizer);
        if (factor >= 1.0) throw new dev.graft.GraftException("plateau factor must be below 1, got " + factor);
        this.mode = mode;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minLr = minLr;
        best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** PyTorch's defaults but for mode, factor and patience. */
    public ReduceLROnPlateau(Optimizer optimizer, Mode mode, double factor, int patience) {
        this(optimizer, mode, factor, patience, 1e-4, 0, 0);
    }

    public Mode mode() { return mode; }

    @Override
    public Unit unit() { return Unit.EPOCH; }

    /** Without a metric nothing can be judged: counts the epoch only. */
    @Override
    public void step() { lastEpoch++; }

    public void step(double metric) {
        lastEpoch++;
        if (better(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > patience) {
            for (int i = 0; i < groupCount(); i++) {
                double old = lr(i), lr = Math.max(old * factor, minLr);
                if (old - lr > eps) setLr(i, lr);
            }
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
    }

    private boolean better(double a) {
        return mode == Mode.MIN ? a < best * (1 - threshold) : a > best * (threshold + 1);
    }

    @Override
    protected void apply() {}

    @Override
    public Map<String, Object> state() {
        Map<String, Object> s = super.state();
        // JSON has no infinity: before the first metric the best is written as a string
        s.put("best", Double.isInfinite(best) ? (Object) Double.toString(best) : (Object) best);
        s.put("num_bad_epochs", numBadEpochs);
        s.put("cooldown_counter", cooldownCounter);
        return s;
    }

    @Override
    public void load(Map<String, Object> state) {
        super.load(state);
        Object b = state.get("best");
        best = b instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(b));
        numBadEpochs = ((Number) state.get("num_bad_epochs")).intValue();
        cooldownCounter = ((Number) state.get("cooldown_counter")).intValue();
    }
}
