package dev.graft.spark;

import ai.djl.ndarray.NDArray;
import dev.graft.data.transforms.EncodedImageTransform;
import dev.graft.data.transforms.Preset;
import dev.graft.eval.ImageBatch;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.nn.Engine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The one place where the Spark module calls Graft's inference code: a saved model loaded
 * once, readied for inference (BatchNorm folded) for its whole life, and run on batches of
 * encoded images (file bytes) prepared by {@link ImageBatch} with the model's inference preset,
 * as {@code graft predict} and the training feature cache do. Returns logits or penultimate
 * features per image, or the reason an image could not be read. Safe to call from several
 * Spark tasks at once: the model is only read after construction.
 */
final class BatchInference {
    private final ImageModel model;
    private final List<String> classes;
    private final Preset preset;

    BatchInference(SavedModel saved) {
        this.model = saved.load();
        this.classes = saved.classes();
        this.preset = saved.preset();
        // Kept open for the model's lifetime: tasks share the folded model read-only.
        ImageModel.inference(model);
    }

    List<String> classes() { return classes; }

    /** Per image: the network's output row (logits or features), or null with an error. */
    record Output(float[] values, String error) {}

    List<Output> logits(List<byte[]> images) { return run(images, model::forward); }

    List<Output> features(List<byte[]> images) { return run(images, model::forwardFeatures); }

    private List<Output> run(List<byte[]> images, UnaryOperator<NDArray> forward) {
        ImageBatch batch = ImageBatch.pack(images.stream().<ImageBatch.Reader>map(bytes ->
                t -> EncodedImageTransform.decodeAndApply(t, bytes, new SplittableRandom(0))).toList(), preset);
        Engine.Output y = batch.size() == 0 ? null : Engine.forward(forward, batch.input(), batch.shape());
        int width = y == null ? 0 : (int) y.shape()[1];
        List<Output> result = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            Exception e = batch.failure(i);
            int row = batch.row(i);
            result.add(e != null ? new Output(null, e.getMessage() == null ? "unreadable image" : e.getMessage())
                    : new Output(Arrays.copyOfRange(y.values(), row * width, (row + 1) * width), null));
        }
        return result;
    }
}
