package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.SiLU}: x * sigmoid(x). */
public class SiLU extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.silu(x);
    }
}
