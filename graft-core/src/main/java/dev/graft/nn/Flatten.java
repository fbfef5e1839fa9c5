package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.Flatten()}: flattens all dimensions after the batch. */
public class Flatten extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.flatten(x);
    }
}
