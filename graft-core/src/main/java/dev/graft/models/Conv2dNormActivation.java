package dev.graft.models;

import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.Module;
import dev.graft.nn.Sequential;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * {@code torchvision.ops.Conv2dNormActivation}: convolution, batch norm, optional activation,
 * as a Sequential named 0, 1, 2 so the state-dict keys are torchvision's
 * ({@code features.0.1.running_mean}). Padding is {@code (k-1)/2}; the convolution has no bias
 * because the norm follows it.
 */
public class Conv2dNormActivation extends Sequential {
    /**
     * @param norm builds the norm layer for a channel count (torchvision's {@code norm_layer}),
     *             e.g. {@code c -> new BatchNorm2d(c, 1e-3, 0.01)} for MobileNetV3
     * @param activation builds the activation, or null for none (projection convolutions)
     */
    public Conv2dNormActivation(int in, int out, int kernel, int stride, int groups,
                                IntFunction<BatchNorm2d> norm, Supplier<? extends Module> activation) {
        add(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false));
        add(norm.apply(out));
        if (activation != null) add(activation.get());
    }

    public Conv2dNormActivation(int in, int out, int kernel, int stride,
                                IntFunction<BatchNorm2d> norm, Supplier<? extends Module> activation) {
        this(in, out, kernel, stride, 1, norm, activation);
    }
}
