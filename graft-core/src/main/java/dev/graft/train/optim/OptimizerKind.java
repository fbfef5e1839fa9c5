package dev.graft.train.optim;

import java.util.List;
import java.util.Locale;

/**
 * The recipe's {@code optimizer}: the one place an optimizer is built from a kind and its
 * hyper-parameters, for the command line ({@link dev.graft.train.Recipe}) and the Java API
 * ({@code Learner.sgd/adam/adamw}) alike. Adam and AdamW use PyTorch's betas (0.9, 0.999)
 * and eps 1e-8; AdamW's weight decay 0 means its usual default 0.01.
 */
public enum OptimizerKind {
    SGD, ADAM, ADAMW;

    /** The optimizer over {@code groups}; groups without their own {@code lr} take {@code lr}. */
    public Optimizer build(List<ParamGroup> groups, double lr, double momentum, double weightDecay) {
        return switch (this) {
            case SGD -> new dev.graft.train.optim.SGD(groups, lr, momentum, weightDecay);
            case ADAM -> new Adam(groups, lr, 0.9, 0.999, 1e-8, weightDecay, false);
            case ADAMW -> new AdamW(groups, lr, 0.9, 0.999, 1e-8, weightDecay == 0 ? 0.01 : weightDecay, false);
        };
    }

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
