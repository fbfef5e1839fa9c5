package dev.graft.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.nn.ScriptOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adam} in PyTorch 1.13's order of operations: L2 weight decay added to
 * the gradient, {@code m = b1*m + (1-b1)*g}, {@code v = b2*v + (1-b2)*g*g}, bias corrections
 * {@code bc1 = 1-b1^t}, {@code bc2 = 1-b2^t}, {@code denom = sqrt(v)/sqrt(bc2) + eps} (with
 * AMSGrad the running maximum of v), {@code p -= (lr/bc1) * m / denom}. The update of a whole
 * group is one TorchScript call running the same libtorch operators as PyTorch's
 * {@code _single_tensor_adam} (and {@code _single_tensor_adamw}). Group options:
 * {@code lr, beta1, beta2, eps, weight_decay, amsgrad} (1 or 0). {@link AdamW} shares the rule.
 */
public class Adam extends Optimizer {
    /** {@code _single_tensor_adam(w)} of PyTorch 1.13; {@code steps} are the parameters' step counts. */
    private static final ScriptOps.Function STEP = new ScriptOps.Function("adam_step",
            "params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], "
                    + "max_exp_avg_sqs: List[Tensor], steps: List[float], amsgrad: bool, beta1: float, "
                    + "beta2: float, lr: float, weight_decay: float, eps: float, decoupled: bool",
            "None", """
            for i in range(len(params)):
              param = params[i]
              grad = grads[i]
              exp_avg = exp_avgs[i]
              exp_avg_sq = exp_avg_sqs[i]
              if decoupled:
                param.mul_(1. - lr * weight_decay)
              elif weight_decay != 0.:
                grad = grad.add(param, alpha=weight_decay)
              exp_avg.mul_(beta1).add_(grad, alpha=1. - beta1)
              exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1. - beta2)
              bias_correction1 = 1. - beta1 ** steps[i]
              bias_correction2 = 1. - beta2 ** steps[i]
              step_size = lr / bias_correction1
              bias_correction2_sqrt = torch.sqrt(bias_correction2)
              if amsgrad:
                torch.maximum(max_exp_avg_sqs[i], exp_avg_sq, out=max_exp_avg_sqs[i])
                denom = (max_exp_avg_sqs[i].sqrt() / bias_correction2_sqrt).add_(eps)
              else:
                denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
              param.addcdiv_(exp_avg, denom, value=-step_size)
            """);

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
    protected void update(ParamGroup g, List<String> names, List<NDArray> params, List<NDArray> grads,
                          NDManager scope) {
        boolean amsgrad = g.get("amsgrad") != 0;
        List<NDArray> m = new ArrayList<>(), v = new ArrayList<>(), vMax = new ArrayList<>();
        double[] steps = new double[names.size()];
        for (int i = 0; i < steps.length; i++) {
            String name = names.get(i);
            steps[i] = nextStep(name);
            m.add(zerosState(name, "exp_avg", params.get(i)));
            v.add(zerosState(name, "exp_avg_sq", params.get(i)));
            if (amsgrad) vMax.add(zerosState(name, "max_exp_avg_sq", params.get(i)));
        }
        STEP.call(scope, params, grads, m, v, vMax, steps, amsgrad, g.get("beta1"), g.get("beta2"), g.lr(),
                g.get("weight_decay"), g.get("eps"), decoupled);
    }
}
