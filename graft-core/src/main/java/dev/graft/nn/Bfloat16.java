package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A module's float32 parameters and buffers swapped for bfloat16 copies until {@link #close()}
 * puts the originals back (bit for bit: nothing is cast back). For inference: bfloat16
 * convolutions run about twice as fast as float32 on CPUs with AVX-512 BF16, with about three
 * significant digits. The layout of each tensor (channels-last weights) is kept.
 */
public final class Bfloat16 implements AutoCloseable {
    private final List<Runnable> restore = new ArrayList<>();
    private boolean closed;

    private Bfloat16() {}

    public static Bfloat16 cast(Module model) {
        Bfloat16 c = new Bfloat16();
        for (Parameter p : model.namedParameters().values()) c.swapIn(p.array(), p::swap);
        for (Buffer b : model.namedBuffers().values()) c.swapIn(b.array(), b::swap);
        return c;
    }

    /** Puts a bfloat16 copy of a float32 {@code original} in place through {@code swap}. */
    private void swapIn(NDArray original, UnaryOperator<NDArray> swap) {
        if (original.getDataType() != DataType.FLOAT32) return;
        NDArray copy = ScriptOps.toBfloat16(original);
        copy.attach(Engine.root());
        swap.apply(copy);
        restore.add(() -> swap.apply(original).close());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (int i = restore.size() - 1; i >= 0; i--) restore.get(i).run();
    }
}
