package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.ReLU(inplace=True)}, as torchvision's models use it: the input is overwritten. */
public class ReLU extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.relu_(x);
    }
}
