package dev.graft.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD} with PyTorch 1.13's exact rule: {@code d = g + wd*p}; with momentum
 * the buffer is {@code d} itself on the first step and {@code m*buf + (1-dampening)*d} after;
 * Nesterov uses {@code d + m*buf}, otherwise {@code buf}; then {@code p -= lr*d}. (DJL's own
 * SGD folds the learning rate into the buffer, MXNet style, which changes results whenever
 * the learning rate changes.) Group options: {@code lr, momentum, dampening, weight_decay,
 * nesterov} (1 or 0).
 */
public final class SGD extends Optimizer {

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
    protected void update(ParamGroup g, String name, NDArray p, NDArray grad, NDManager scope) {
        double wd = g.get("weight_decay"), momentum = g.get("momentum"), dampening = g.get("dampening");
        NDArray d = grad;
        if (wd != 0) d = d.add(p.mul((float) wd));
        if (momentum != 0) {
            NDArray buf = state(name, "momentum_buffer", scope);
            if (buf == null) {
                buf = initState(name, "momentum_buffer", d, scope);
            } else {
                buf.muli((float) momentum).addi(d.mul((float) (1 - dampening)));
            }
            d = g.get("nesterov") != 0 ? d.add(buf.mul((float) momentum)) : buf;
        }
        p.subi(d.mul((float) g.lr()));
    }
}
