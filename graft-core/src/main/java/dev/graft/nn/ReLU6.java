package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.ReLU6(inplace=True)}: min(max(x, 0), 6), overwriting the input as torchvision's models do. */
public class ReLU6 extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.relu6_(x);
    }
}
