package dev.graft.train.loss;

import ai.djl.ndarray.NDArray;

/**
 * A training criterion: model outputs {@code [N, C]} and class indices to a scalar loss,
 * built from engine operators so gradients flow back through it.
 */
public interface Loss {
    NDArray compute(NDArray outputs, int[] labels);
}
