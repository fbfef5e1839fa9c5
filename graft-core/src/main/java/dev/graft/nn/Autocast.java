package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Mixed-precision training as {@code torch.autocast("cpu", dtype=torch.bfloat16)} runs it:
 * while a bfloat16 region is open on this thread, convolutions and linear layers compute in
 * bfloat16 from bfloat16 copies of their input and weights (grouped, depthwise convolutions
 * stay float32: on CPU libtorch trains them faster so). The casts are differentiable, so
 * gradients reach the float32 weights as float32 and the optimizer updates float32 weights;
 * BatchNorm keeps float32 parameters and statistics. Close the region to end it.
 */
public final class Autocast implements AutoCloseable {
    private static final ThreadLocal<Boolean> BFLOAT16 = ThreadLocal.withInitial(() -> false);
    private final boolean previous;

    private Autocast(boolean on) {
        previous = BFLOAT16.get();
        BFLOAT16.set(on);
    }

    /** Opens a region where convolutions and linear layers run in bfloat16 ({@code on}) or not. */
    public static Autocast bfloat16(boolean on) { return new Autocast(on); }

    static boolean active() { return BFLOAT16.get(); }

    /** {@code x} in bfloat16 when a region is open and x is float32; else x itself. */
    static NDArray cast(NDArray x) {
        return x != null && active() && x.getDataType() == DataType.FLOAT32 ? ScriptOps.toBfloat16(x) : x;
    }

    /** {@code x} in float32 when a region is open and x is not (a bfloat16 activation); else x itself. */
    static NDArray uncast(NDArray x) {
        return active() && x.getDataType() != DataType.FLOAT32 ? ScriptOps.toFloat32(x) : x;
    }

    @Override
    public void close() { BFLOAT16.set(previous); }
}
