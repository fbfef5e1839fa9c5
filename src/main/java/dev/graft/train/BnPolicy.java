package dev.graft.train;

import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;

/**
 * What BatchNorm layers do while the model trains. {@code FROZEN} (the default): a layer
 * whose weight and bias are both frozen normalises with its running (e.g. ImageNet)
 * statistics and never updates them, as if in eval mode; layers that train use batch
 * statistics. {@code TRAIN}: every BatchNorm re-estimates statistics from the batches, as
 * PyTorch does when only {@code requires_grad} is switched off, which small batches of a
 * small data set can ruin. {@code EVAL}: every BatchNorm, trainable or not, normalises with
 * its running statistics (its weight and bias may still train), the usual remedy when
 * fine-tuning everything on tiny batches. Apply again after every freeze or unfreeze.
 */
public enum BnPolicy {
    FROZEN, TRAIN, EVAL;

    /** The recipe's default BatchNorm setting: {@link #forStrategy} picks the policy. */
    public static final String AUTO = "auto";

    /**
     * Graft's default for a strategy (what {@code --bn auto} resolves to): see
     * {@code bench/transfer-defaults.md} for the measurement. {@code SCRATCH} must use batch
     * statistics (its running statistics are the initial 0/1), so never {@code EVAL}.
     */
    public static BnPolicy forStrategy(Strategy s) {
        return switch (s) {
            case SCRATCH -> TRAIN;
            case HEAD, PARTIAL, FINETUNE -> FROZEN;
        };
    }

    /** Parses a recipe's {@code bn}: {@code auto} (or null) resolves to {@link #forStrategy}. */
    public static BnPolicy resolve(String bn, Strategy s) {
        return bn == null || bn.trim().equalsIgnoreCase(AUTO) ? forStrategy(s) : parse(bn);
    }

    public static BnPolicy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new dev.graft.GraftException("unknown BatchNorm policy '" + s + "'; use auto, frozen, train or eval");
        }
    }

    /** Sets {@link BatchNorm2d#setFrozenStatistics} on every BatchNorm of the model. */
    public void apply(Module model) {
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm2d bn) {
                bn.setFrozenStatistics(this == EVAL || this == FROZEN && frozen(bn.weight()) && frozen(bn.bias()));
            }
        }
    }

    private static boolean frozen(Parameter p) { return p == null || !p.trainable(); }
}
