package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.Sigmoid}. */
public class Sigmoid extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.sigmoid(x);
    }
}
