package dev.graft.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adam} in PyTorch 1.13's order of operations: L2 weight decay added to
 * the gradient, {@code m = b1*m + (1-b1)*g}, {@code v = b2*v + (1-b2)*g*g}, bias corrections
 * {@code bc1 = 1-b1^t}, {@code bc2 = 1-b2^t}, {@code denom = sqrt(v)/sqrt(bc2) + eps} (with
 * AMSGrad the running maximum of v), {@code p -= (lr/bc1) * m / denom}. Group options:
 * {@code lr, beta1, beta2, eps, weight_decay, amsgrad} (1 or 0). {@link AdamW} shares the rule.
 */
public class Adam extends Optimizer {
    private final boolean decoupled;

    public Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
                boolean amsgrad) {
        this(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<ParamGroup> groups, double lr) { this(groups, lr, 0.9, 0.999, 1e-8, 0, false); }

    Adam(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
         boolean amsgrad, boolean decoupled) {
        super(groups, Map.of("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps, "weight_decay", weightDecay,
                "amsgrad", amsgrad ? 1.0 : 0.0));
        this.decoupled = decoupled;
    }

    @Override
    protected void update(ParamGroup g, String name, NDArray p, NDArray grad, NDManager scope) {
        double lr = g.lr(), b1 = g.get("beta1"), b2 = g.get("beta2"), eps = g.get("eps"), wd = g.get("weight_decay");
        boolean amsgrad = g.get("amsgrad") != 0;
        long step = nextStep(name);
        if (decoupled) {
            p.muli((float) (1 - lr * wd));
        } else if (wd != 0) {
            grad = grad.add(p.mul((float) wd));
        }
        NDArray m = state(name, "exp_avg", scope);
        NDArray v = state(name, "exp_avg_sq", scope);
        if (m == null) {
            try (NDArray zeros = grad.zerosLike()) {
                m = initState(name, "exp_avg", zeros, scope);
                v = initState(name, "exp_avg_sq", zeros, scope);
            }
        }
        m.muli((float) b1).addi(grad.mul((float) (1 - b1)));
        // addcmul_(g, g, value=1-b2) computes (value * g) * g
        v.muli((float) b2).addi(grad.mul((float) (1 - b2)).muli(grad));
        double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        double stepSize = lr / bc1;
        NDArray second = v;
        if (amsgrad) {
            NDArray max = state(name, "max_exp_avg_sq", scope);
            second = initState(name, "max_exp_avg_sq", max == null ? v : max.maximum(v), scope);
        }
        NDArray denom = second.sqrt().divi((float) Math.sqrt(bc2)).addi((float) eps);
        // addcdiv_(m, denom, value=-step_size) computes (value * m) / denom
        p.addi(m.mul((float) -stepSize).divi(denom));
    }
}
