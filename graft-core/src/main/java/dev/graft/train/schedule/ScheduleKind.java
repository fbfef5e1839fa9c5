package dev.graft.train.schedule;

import dev.graft.GraftException;
import dev.graft.train.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The recipe's {@code schedule}: the one place a schedule is built from its kind and the
 * recipe's numbers. Every schedule acts on each parameter group from that group's own rate,
 * as PyTorch's do, so the backbone's lower rate (fine-tuning) keeps its ratio to the head's:
 * {@code onecycle} peaks each group at its own rate ({@code max_lr} per group).
 */
public enum ScheduleKind {
    /** {@code StepLR(stepSize, gamma)} per epoch. */
    STEP,
    /** {@code MultiStepLR} at every multiple of stepSize, factor gamma. */
    MULTISTEP,
    /** Cosine to 0 per step, after a linear warmup of warmupEpochs (from 1% of the rate). */
    COSINE,
    /** {@code OneCycleLR} per step, each group peaking at its own rate. */
    ONECYCLE,
    /** {@code ReduceLROnPlateau} on val accuracy: factor gamma, patience max(1, stepSize / 3). */
    PLATEAU,
    /** A constant rate. */
    NONE;

    /** The schedule for {@code optimizer} over {@code epochs} of {@code stepsPerEpoch} steps, or null for {@code NONE}. */
    public LrSchedule create(Optimizer optimizer, int epochs, int stepsPerEpoch, int stepSize, double gamma,
                             int warmupEpochs) {
        return switch (this) {
            case NONE -> null;
            case STEP -> new StepLR(optimizer, stepSize, gamma);
            case MULTISTEP -> {
                List<Integer> milestones = new ArrayList<>();
                for (int e = stepSize; e < epochs; e += stepSize) milestones.add(e);
                yield new MultiStepLR(optimizer, milestones, gamma);
            }
            case COSINE -> new CosineLR(optimizer, LrSchedule.Unit.STEP, warmupEpochs * stepsPerEpoch,
                    epochs * stepsPerEpoch, 0, 0.01);
            case ONECYCLE -> {
                if (stepsPerEpoch <= 0) throw new GraftException("the one-cycle schedule needs the number of batches per epoch");
                yield new OneCycleLR(optimizer, OneCycleLR.groupRates(optimizer, 1), epochs * stepsPerEpoch);
            }
            case PLATEAU -> new ReduceLROnPlateau(optimizer, ReduceLROnPlateau.Mode.MAX, gamma, Math.max(1, stepSize / 3));
        };
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
