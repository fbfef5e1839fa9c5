package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.Hardswish}: x * clamp(x/6 + 1/2, 0, 1). */
public class Hardswish extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.hardswish(x);
    }
}
