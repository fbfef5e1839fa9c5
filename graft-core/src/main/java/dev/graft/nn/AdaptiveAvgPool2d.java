package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.AdaptiveAvgPool2d((h, w))}: average pooling to a fixed output size at any input size. */
public class AdaptiveAvgPool2d extends Module {
    private final int outH, outW;

    public AdaptiveAvgPool2d(int outH, int outW) {
        this.outH = outH;
        this.outW = outW;
    }

    public AdaptiveAvgPool2d(int out) { this(out, out); }

    @Override
    public NDArray forward(NDArray x) {
        return F.adaptiveAvgPool2d(x, outH, outW);
    }
}
