package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.AdaptiveAvgPool2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.Module;
import java.util.function.Supplier;

/**
 * {@code torchvision.ops.SqueezeExcitation}: global average pool, {@code fc1} (1x1 conv),
 * activation, {@code fc2} (1x1 conv), scale activation, then the input is multiplied by
 * the per-channel scale. MobileNetV3 uses ReLU and Hardsigmoid, EfficientNet SiLU and Sigmoid.
 */
public class SqueezeExcitation extends Module {
    public SqueezeExcitation(int inputChannels, int squeezeChannels,
                             Supplier<? extends Module> activation, Supplier<? extends Module> scaleActivation) {
        register("avgpool", new AdaptiveAvgPool2d(1));
        register("fc1", new Conv2d(inputChannels, squeezeChannels, 1));
        register("fc2", new Conv2d(squeezeChannels, inputChannels, 1));
        register("activation", activation.get());
        register("scale_activation", scaleActivation.get());
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray scale = call("avgpool", x);
        scale = call("fc2", call("activation", call("fc1", scale)));
        return call("scale_activation", scale).mul(x);
    }
}
