package dev.graft.train.optim;

import java.util.List;

/**
 * {@code torch.optim.AdamW}: Adam with decoupled weight decay, {@code p *= 1 - lr*wd} before
 * the Adam update (default weight decay 1e-2, as PyTorch).
 */
public final class AdamW extends Adam {
    public AdamW(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
                 boolean amsgrad) {
        super(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }

    public AdamW(List<ParamGroup> groups, double lr) { this(groups, lr, 0.9, 0.999, 1e-8, 1e-2, false); }
}
