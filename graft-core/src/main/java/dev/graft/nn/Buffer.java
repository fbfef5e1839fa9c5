package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/**
 * A non-learnable tensor that belongs to a module's state, like a registered buffer in
 * PyTorch (BatchNorm's running statistics and {@code num_batches_tracked}).
 */
public final class Buffer {
    private NDArray array;

    Buffer(NDArray array) { this.array = array; }

    public NDArray array() { return array; }

    /** Puts {@code value} in place and returns the previous array without closing it. */
    NDArray swap(NDArray value) {
        NDArray old = array;
        array = value;
        return old;
    }

    /** Replaces the value; the old array is closed. */
    public void set(NDArray value) {
        if (array != null && array != value) array.close();
        array = value;
    }
}
