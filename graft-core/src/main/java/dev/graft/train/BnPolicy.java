package dev.graft.train;

import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;

/**
 * What BatchNorm layers do while the model trains. {@code AUTO} (the recipe's default) lets
 * the {@link Learner} pick one per strategy ({@link #forStrategy}). {@code FROZEN}: a layer
 * whose weight and bias are both frozen normalises with its running (e.g. ImageNet)
 * statistics and never updates them, as if in eval mode; layers that train use batch
 * statistics. {@code TRAIN}: every BatchNorm re-estimates statistics from the batches, as
 * PyTorch does when only {@code requires_grad} is switched off, which small batches of a
 * small data set can ruin. {@code EVAL}: every BatchNorm, trainable or not, normalises with
 * its running statistics (its weight and bias may still train), the usual remedy when
 * fine-tuning everything on tiny batches. Apply again after every freeze or unfreeze.
 */
public enum BnPolicy {
    AUTO, FROZEN, TRAIN, EVAL;

    /**
     * Graft's default for a strategy (what {@code --bn auto} resolves to, in {@link Learner}). {@code SCRATCH}:
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

    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Sets {@link BatchNorm2d#setFrozenStatistics} on every BatchNorm of the model ({@code AUTO}: resolve it first). */
    public void apply(Module model) {
        if (this == AUTO) throw new IllegalStateException("resolve BnPolicy.AUTO for a strategy before applying it");
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm2d bn) {
                bn.setFrozenStatistics(this == EVAL || this == FROZEN && frozen(bn.weight()) && frozen(bn.bias()));
            }
        }
    }

    private static boolean frozen(Parameter p) { return p == null || !p.trainable(); }
}
