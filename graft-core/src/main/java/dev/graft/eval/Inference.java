package dev.graft.eval;

import ai.djl.ndarray.NDArray;
import dev.graft.models.ImageModel;
import dev.graft.nn.Engine;
import dev.graft.nn.Module;
import java.util.function.UnaryOperator;

/**
 * The one inference path of Graft: while open, a model runs in eval mode as
 * {@link ImageModel#inference} sets it up (BatchNorm folded into the convolutions, bfloat16
 * if the model is set to), and {@link #logits} turns each batch of normalised images (plain
 * floats) into its {@link Logits}. Closing undoes that and restores the model's train/eval
 * mode. {@code graft evaluate} ({@link Evaluation}), {@code graft predict} ({@link Predictor}),
 * the run report and the feature cache all run their batches through it:
 * <pre>{@code
 * try (Inference inference = Inference.open(model)) {
 *     for (...) {
 *         Logits y = inference.logits(pixels, new long[] {n, 3, 224, 224});
 *         int[] classes = y.argmax();
 *     }
 * }
 * }</pre>
 */
public final class Inference implements AutoCloseable {
    private final Module model;
    private final UnaryOperator<NDArray> forward;
    private final boolean wasTraining;
    private final ImageModel.Inference prepared;

    private Inference(Module model, UnaryOperator<NDArray> forward) {
        this.model = model;
        this.forward = forward;
        this.wasTraining = model.isTraining();
        model.eval();
        try {
            this.prepared = ImageModel.inference(model);
        } catch (RuntimeException e) {
            model.train(wasTraining);
            throw e;
        }
    }

    /** Readies {@code model} for inference until closed. */
    public static Inference open(Module model) {
        return new Inference(model, model::forward);
    }

    /** The same, running {@code forward} (e.g. the backbone's features) instead of the whole model. */
    public static Inference open(Module model, UnaryOperator<NDArray> forward) {
        return new Inference(model, forward);
    }

    /** The outputs for a batch {@code x} of {@code shape} ({@code [n, 3, h, w]}, or {@code [n, d]} features). */
    public Logits logits(float[] x, long[] shape) {
        Engine.Output y = Engine.forward(forward, x, shape);
        return new Logits(y.values(), y.shape().length > 1 ? (int) y.shape()[1] : 1);
    }

    @Override
    public void close() {
        try {
            prepared.close();
        } finally {
            model.train(wasTraining);
        }
    }
}
