package dev.graft.train.optim;

import dev.graft.io.TensorData;
import java.util.Map;

/**
 * An optimizer's saved state: per-parameter tensors ({@code <param name>.<buffer>}, e.g.
 * {@code fc.weight.momentum_buffer}) and a small JSON-able map of scalars (group options,
 * parameter names per group, step counts).
 */
public record OptimizerState(Map<String, TensorData> tensors, Map<String, Object> scalars) {}
