package dev.graft.nn;

import ai.djl.ndarray.NDArray;
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

    Parameter(NDArray array) {
        set(array);
    }

    public NDArray array() { return array; }

    /** Replaces the value; the old array is closed. */
    public void set(NDArray value) {
        if (array != null && array != value) array.close();
        array = value;
        array.setRequiresGradient(trainable);
    }

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
