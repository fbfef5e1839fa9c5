package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A learnable tensor of a module, like {@code torch.nn.Parameter}. It can be frozen
 * ({@code requires_grad = False}); a frozen parameter gets no gradient and optimizers skip it.
 * The array is replaced, never resized, when a state dict is loaded.
 */
public final class Parameter {
    private NDArray array;
    private boolean trainable = true;
    private boolean channelsLast;

    Parameter(NDArray array) {
        set(array);
    }

    public NDArray array() { return array; }

    /** Replaces the value (taking ownership of it); the old array is closed. */
    public void set(NDArray value) {
        if (channelsLast) value = relayout(value, true);
        if (array != null && array != value) array.close();
        array = value;
        array.setRequiresGradient(trainable);
    }

    /**
     * Puts {@code value} in place as it is (no re-layout, no gradient) and returns the previous
     * array without closing it: for temporary copies such as {@link Bfloat16}'s.
     */
    NDArray swap(NDArray value) {
        NDArray old = array;
        array = value;
        return old;
    }

    /**
     * Keeps this 4-D convolution weight in channels-last memory layout, now and after every
     * {@link #set}: a convolution on channels-last activations then converts neither its weight
     * in the forward pass nor its weight gradient in the backward pass. Same values.
     */
    public void setChannelsLast(boolean on) {
        if (channelsLast == on) return;
        channelsLast = on;
        NDArray value = array;
        array = null;
        set(on ? value : relayout(value, false));
    }

    /** A fresh (non-view) copy of {@code value} in the given layout; {@code value} is closed. */
    private static NDArray relayout(NDArray value, boolean channelsLast) {
        NDManager owner = value.getManager();
        try (NDManager scope = owner.newSubManager()) {
            value.attach(scope);
            NDArray out = channelsLast ? Tensors.channelsLast(value).duplicate()
                    : value.reshape(-1).reshape(value.getShape()).duplicate(); // reshape(-1) copies in NCHW order
            out.attach(owner);
            return out;
        }
    }

    public boolean channelsLast() { return channelsLast; }

    public boolean trainable() { return trainable; }

    public void setTrainable(boolean trainable) {
        if (this.trainable != trainable) {
            this.trainable = trainable;
            array.setRequiresGradient(trainable);
        }
    }

    /**
     * The accumulated gradient, or null when none was computed since the last
     * {@link #zeroGrad()}. The caller closes the returned handle (the gradient stays).
     */
    public NDArray gradient() {
        if (!trainable) return null;
        return JniUtils.getGradient((PtNDArray) array);
    }

    /** Sets the gradient to zero, as {@code optimizer.zero_grad(set_to_none=False)}. */
    public void zeroGrad() {
        if (trainable) JniUtils.zeroGrad((PtNDArray) array);
    }

    public long numel() { return array.getShape().size(); }
}
