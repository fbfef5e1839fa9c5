package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.ReLU}. */
public class ReLU extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.relu(x);
    }
}
