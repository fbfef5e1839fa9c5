package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Functional operators, as {@code torch.nn.functional}: thin calls into libtorch through
 * DJL's JNI layer, so each is the very kernel PyTorch runs. Results belong to the input's
 * manager.
 */
public final class F {
    private F() {}

    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, long[] stride, long[] padding,
                                 long[] dilation, int groups) {
        return JniUtils.convolution((PtNDArray) x, (PtNDArray) weight, (PtNDArray) bias,
                new Shape(stride), new Shape(padding), new Shape(dilation), groups);
    }

    /** Batch norm over dim 1; {@code momentum} as in PyTorch (0.1 = 10% new statistics). */
    public static NDArray batchNorm(NDArray x, NDArray runningMean, NDArray runningVar, NDArray weight,
                                    NDArray bias, boolean training, double momentum, double eps) {
        // JniUtils names its parameters (gamma, beta, mean, var) but the native call takes
        // (mean, var, weight, bias), the order DJL's own BatchNorm passes them in.
        return JniUtils.batchNorm((PtNDArray) x, (PtNDArray) runningMean, (PtNDArray) runningVar,
                (PtNDArray) weight, (PtNDArray) bias, training, momentum, eps);
    }

    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return JniUtils.linear((PtNDArray) x, (PtNDArray) weight, (PtNDArray) bias);
    }

    public static NDArray relu(NDArray x) { return JniUtils.relu((PtNDArray) x); }

    public static NDArray relu6(NDArray x) { return x.clip(0f, 6f); }

    public static NDArray sigmoid(NDArray x) { return JniUtils.sigmoid((PtNDArray) x); }

    // libtorch's fused silu/hardswish kernels are not reachable through DJL's JNI, so these are
    // composed; with grad mode off (inference, cached features) the product is taken in place,
    // one activation-sized allocation and pass fewer. With grad mode on the out-of-place form
    // is kept even where x needs no gradient: DJL's requiresGrad answers false for every
    // non-leaf tensor, so it cannot tell, and sigmoid's backward needs its output intact.

    public static NDArray silu(NDArray x) {
        return JniUtils.isGradMode() ? x.mul(sigmoid(x)) : sigmoid(x).muli(x);
    }

    public static NDArray hardsigmoid(NDArray x) { return x.div(6f).addi(0.5f).clip(0f, 1f); }

    public static NDArray hardswish(NDArray x) {
        return JniUtils.isGradMode() ? x.mul(hardsigmoid(x)) : hardsigmoid(x).muli(x);
    }

    public static NDArray maxPool2d(NDArray x, long[] kernel, long[] stride, long[] padding, boolean ceilMode) {
        return JniUtils.maxPool((PtNDArray) x, new Shape(kernel), new Shape(stride), new Shape(padding), ceilMode);
    }

    public static NDArray avgPool2d(NDArray x, long[] kernel, long[] stride, long[] padding, boolean ceilMode,
                                    boolean countIncludePad) {
        return JniUtils.avgPool((PtNDArray) x, new Shape(kernel), new Shape(stride), new Shape(padding),
                ceilMode, countIncludePad);
    }

    public static NDArray adaptiveAvgPool2d(NDArray x, long outH, long outW) {
        return JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(outH, outW));
    }

    /** {@code torch.flatten(x, 1)}. */
    public static NDArray flatten(NDArray x) {
        return x.reshape(x.getShape().get(0), -1);
    }
}
