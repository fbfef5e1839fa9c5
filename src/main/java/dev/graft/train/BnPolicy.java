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
 * small data set can ruin. Apply again after every freeze or unfreeze.
 */
public enum BnPolicy {
    FROZEN, TRAIN;

    public static BnPolicy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new dev.graft.GraftException("unknown BatchNorm policy '" + s + "'; use frozen or train");
        }
    }

    /** Sets {@link BatchNorm2d#setFrozenStatistics} on every BatchNorm of the model. */
    public void apply(Module model) {
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm2d bn) {
                bn.setFrozenStatistics(this == FROZEN && frozen(bn.weight()) && frozen(bn.bias()));
            }
        }
    }

    private static boolean frozen(Parameter p) { return p == null || !p.trainable(); }
}
