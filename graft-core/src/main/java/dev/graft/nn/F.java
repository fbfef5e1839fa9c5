package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * Functional operators, as {@code torch.nn.functional}: thin calls into libtorch through
 * DJL's JNI layer, so each is the very kernel PyTorch runs. Results belong to the input's
 * manager. Convolutions (but grouped ones) and linear layers run in bfloat16 inside an
 * {@link Autocast} region.
 */
public final class F {
    private F() {}

    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, long[] stride, long[] padding,
                                 long[] dilation, int groups) {
        // under Autocast grouped (depthwise) convolutions stay float32: libtorch's bfloat16
        // kernels for them train slower than float32 on CPU (MobileNetV3-Small 68 vs 95 img/s)
        boolean grouped = groups > 1;
        return JniUtils.convolution((PtNDArray) (grouped ? Autocast.uncast(x) : Autocast.cast(x)),
                (PtNDArray) (grouped ? weight : Autocast.cast(weight)), (PtNDArray) (grouped ? bias : Autocast.cast(bias)),
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
        return JniUtils.linear((PtNDArray) Autocast.cast(x), (PtNDArray) Autocast.cast(weight),
                (PtNDArray) Autocast.cast(bias));
    }

    public static NDArray relu(NDArray x) { return JniUtils.relu((PtNDArray) x); }

    /**
     * ReLU in place, as torchvision's {@code ReLU(inplace=True)}: no new activation. Returns x
     * (a new handle to it). Only on a value nothing else needs unchanged.
     */
    public static NDArray relu_(NDArray x) { return ScriptOps.relu_(x); }

    /** ReLU6 in place ({@code hardtanh_(x, 0, 6)}, torchvision's {@code ReLU6(inplace=True)}). */
    public static NDArray relu6_(NDArray x) { return ScriptOps.relu6_(x); }

    public static NDArray sigmoid(NDArray x) { return JniUtils.sigmoid((PtNDArray) x); }

    // libtorch's fused kernels, reached through ScriptOps (DJL's JNI has none of them)

    public static NDArray silu(NDArray x) { return ScriptOps.silu(x); }

    public static NDArray hardsigmoid(NDArray x) { return ScriptOps.hardsigmoid(x); }

    public static NDArray hardswish(NDArray x) { return ScriptOps.hardswish(x); }

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

    /** {@code torch.cat(xs, dim)}; a single array is returned as it is. */
    public static NDArray cat(List<NDArray> xs, int dim) {
        return xs.size() == 1 ? xs.get(0) : NDArrays.concat(new NDList(xs), dim);
    }

    /** {@code x.float()}: {@code x} itself when it is float32 already, else a float32 copy. */
    public static NDArray float32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : ScriptOps.toFloat32(x);
    }
}
