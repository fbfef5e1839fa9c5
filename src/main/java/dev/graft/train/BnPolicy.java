package dev.graft.train;

import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;

/**
 * What BatchNorm layers do while the model trains (the recipe's default {@code auto} picks
 * one per strategy, {@link #forStrategy}). {@code FROZEN}: a layer
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
     * Graft's default for a strategy (what {@code --bn auto} resolves to). {@code SCRATCH}:
     * {@code TRAIN} (its running statistics are the initial 0/1, so never {@code EVAL}).
     * {@code HEAD} and {@code PARTIAL}: {@code FROZEN} (frozen groups keep the source
     * statistics, trainable groups use batch statistics). {@code FINETUNE}: {@code EVAL}.
     * Measured (bench/transfer-defaults.md, ResNet-18, 10 images per class, 3 seeds):
     * fine-tuning everything with batch statistics collapsed (0.30-0.34 target accuracy,
     * 5 classes) where running statistics reached 0.69; partial layer4 did better with
     * batch statistics in layer4 (0.72 against 0.64, multiplier 1). Keeping pretrained statistics when
     * fine-tuning on small batches is also Keras' advice and what detection models do
     * (FrozenBatchNorm); the PyTorch tutorial trains them, which suits large batches.
     */
    public static BnPolicy forStrategy(Strategy s) {
        return switch (s) {
            case SCRATCH -> TRAIN;
            case HEAD, PARTIAL -> FROZEN;
            case FINETUNE -> EVAL;
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
