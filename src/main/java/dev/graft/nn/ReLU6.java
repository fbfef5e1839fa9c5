package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.ReLU6}: min(max(x, 0), 6). */
public class ReLU6 extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.relu6(x);
    }
}
