package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.MaxPool2d(kernel, stride, padding, ceil_mode)}. */
public class MaxPool2d extends Module {
    private final int kernel, stride, padding;
    private final boolean ceilMode;

    public MaxPool2d(int kernel, int stride, int padding, boolean ceilMode) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.ceilMode = ceilMode;
    }

    public MaxPool2d(int kernel, int stride, int padding) { this(kernel, stride, padding, false); }

    @Override
    public NDArray forward(NDArray x) {
        return F.maxPool2d(x, new long[] {kernel, kernel}, new long[] {stride, stride},
                new long[] {padding, padding}, ceilMode);
    }
}
