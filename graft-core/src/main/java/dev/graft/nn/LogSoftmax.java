package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.LogSoftmax(dim=1)}. */
public class LogSoftmax extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return x.logSoftmax(1);
    }
}
