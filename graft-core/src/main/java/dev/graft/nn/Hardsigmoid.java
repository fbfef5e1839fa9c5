package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.Hardsigmoid}: clamp(x/6 + 1/2, 0, 1). */
public class Hardsigmoid extends Module {
    @Override
    public NDArray forward(NDArray x) {
        return F.hardsigmoid(x);
    }
}
