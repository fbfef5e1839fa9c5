package dev.graft.models;

import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.Init;
import dev.graft.nn.Linear;
import dev.graft.nn.Module;

/**
 * The weight initialisation shared by torchvision's MobileNetV2, MobileNetV3 and EfficientNet
 * constructors: convolutions {@code kaiming_normal_(mode="fan_out")} with zero bias, norms
 * 1/0, and Linear layers either N(0, 0.01) (MobileNets) or U(+-1/sqrt(out_features))
 * (EfficientNet), with zero bias.
 */
final class TorchvisionInit {
    private TorchvisionInit() {}

    static void mobileStyle(Module model, boolean efficientNetLinear) {
        for (Module m : model.namedModules().values()) {
            if (m instanceof Conv2d c) {
                c.weight().set(Init.kaimingNormalFanOut(c.weight().array().getShape()));
                if (c.bias() != null) c.bias().set(Init.constant(c.bias().array().getShape(), 0f));
            } else if (m instanceof BatchNorm2d bn) {
                bn.weight().set(Init.constant(bn.weight().array().getShape(), 1f));
                bn.bias().set(Init.constant(bn.bias().array().getShape(), 0f));
            } else if (m instanceof Linear l) {
                if (efficientNetLinear) {
                    double range = 1.0 / Math.sqrt(l.outFeatures);
                    l.weight().set(Init.uniform(l.weight().array().getShape(), -range, range));
                } else {
                    l.weight().set(Init.normal(l.weight().array().getShape(), 0, 0.01));
                }
                l.bias().set(Init.constant(l.bias().array().getShape(), 0f));
            }
        }
    }
}
