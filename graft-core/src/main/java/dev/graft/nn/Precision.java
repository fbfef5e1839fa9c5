package dev.graft.nn;

import dev.graft.GraftException;

/**
 * The arithmetic a model runs in: {@code fp32}, or {@code bf16} (bfloat16 inference through
 * {@link Bfloat16}, mixed-precision training through {@link Autocast}).
 */
public enum Precision {
    FP32, BF16;

    /** {@code fp32} or {@code bf16}; null is fp32 (recipes stored before precision was a field). */
    public static Precision parse(String name) {
        if (name == null || name.equals("fp32")) return FP32;
        if (name.equals("bf16")) return BF16;
        throw new GraftException("--precision must be fp32 or bf16, not '" + name + "'.");
    }
}
