package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.AvgPool2d(kernel, stride, padding)} with PyTorch's defaults (count_include_pad). */
public class AvgPool2d extends Module {
    private final int kernel, stride, padding;

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    public AvgPool2d(int kernel, int stride) { this(kernel, stride, 0); }

    @Override
    public NDArray forward(NDArray x) {
        return F.avgPool2d(x, new long[] {kernel, kernel}, new long[] {stride, stride},
                new long[] {padding, padding}, false, true);
    }
}
