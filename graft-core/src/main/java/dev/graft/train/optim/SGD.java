package dev.graft.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.nn.ScriptOps;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD} with PyTorch 1.13's exact rule: {@code d = g + wd*p}; with momentum
 * the buffer is {@code d} itself on the first step and {@code m*buf + (1-dampening)*d} after;
 * Nesterov uses {@code d + m*buf}, otherwise {@code buf}; then {@code p -= lr*d}. The update of
 * a whole group is one TorchScript call running the same libtorch operators as PyTorch's
 * {@code _single_tensor_sgd}, so it allocates no more temporaries and rounds the same way.
 * (DJL's own SGD folds the learning rate into the buffer, MXNet style, which changes results
 * whenever the learning rate changes.) Group options: {@code lr, momentum, dampening,
 * weight_decay, nesterov} (1 or 0).
 */
public final class SGD extends Optimizer {
    /** {@code _single_tensor_sgd} of PyTorch 1.13; returns the momentum buffers (new ones included). */
    private static final ScriptOps.Function STEP = new ScriptOps.Function("sgd_step",
            "params: List[Tensor], grads: List[Tensor], bufs: List[Tensor], has_buf: List[bool], lr: float, "
                    + "momentum: float, dampening: float, weight_decay: float, nesterov: bool",
            "List[Tensor]", """
            out = annotate(List[Tensor], [])
            for i in range(len(params)):
              param = params[i]
              d_p = grads[i]
              if weight_decay != 0.:
                d_p = d_p.add(param, alpha=weight_decay)
              if momentum != 0.:
                if has_buf[i]:
                  buf = bufs[i]
                  buf.mul_(momentum).add_(d_p, alpha=1. - dampening)
                else:
                  buf = torch.clone(d_p).detach()
                out.append(buf)
                if nesterov:
                  d_p = d_p.add(buf, alpha=momentum)
                else:
                  d_p = buf
              param.add_(d_p, alpha=-lr)
            return out
            """);

    public SGD(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super(groups, Map.of("lr", lr, "momentum", momentum, "dampening", dampening,
                "weight_decay", weightDecay, "nesterov", nesterov ? 1.0 : 0.0));
        for (ParamGroup g : groups) {
            if (g.get("nesterov") != 0 && (g.get("momentum") <= 0 || g.get("dampening") != 0)) {
                throw new GraftException("Nesterov momentum requires a momentum and zero dampening");
            }
        }
    }

    public SGD(List<ParamGroup> groups, double lr, double momentum, double weightDecay) {
        this(groups, lr, momentum, 0, weightDecay, false);
    }

    public SGD(List<ParamGroup> groups, double lr, double momentum) { this(groups, lr, momentum, 0, 0, false); }

    @Override
    protected void update(ParamGroup g, List<String> names, List<NDArray> params, List<NDArray> grads,
                          NDManager scope) {
        NDArray[] bufs = new NDArray[names.size()];
        boolean[] hasBuf = new boolean[names.size()];
        for (int i = 0; i < bufs.length; i++) {
            NDArray buf = state(names.get(i), "momentum_buffer");
            hasBuf[i] = buf != null;
            bufs[i] = hasBuf[i] ? buf : grads.get(i); // a placeholder the update does not read
        }
        List<NDArray> out = STEP.call(scope, params, grads, List.of(bufs), hasBuf, g.lr(), g.get("momentum"),
                g.get("dampening"), g.get("weight_decay"), g.get("nesterov") != 0);
        for (int i = 0; i < out.size(); i++) {
            if (!hasBuf[i]) putState(names.get(i), "momentum_buffer", out.get(i));
        }
    }
}
