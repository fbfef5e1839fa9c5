package dev.graft.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.image.RgbImage;
import dev.graft.data.transforms.EncodedImageTransform;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.ToTensorNormalize;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.nn.Engine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one place where the Spark module calls Graft's inference code: a saved model loaded
 * once, readied for inference (BatchNorm folded) for its whole life, and run on batches of
 * encoded images (file bytes) with the model's inference preset, as {@code graft predict} and
 * the training feature cache do. Returns logits or penultimate features per image, or the
 * reason an image could not be read. Safe to call from several Spark tasks at once: the
 * model is only read after construction.
 */
final class BatchInference {
    private final ImageModel model;
    private final List<String> classes;
    private final ImageTransform transform;
    private final ToTensorNormalize normalize;
    private final int crop;

    BatchInference(SavedModel saved) {
        this.model = saved.load();
        this.classes = saved.classes();
        this.transform = saved.preset().evalTransform();
        this.normalize = saved.preset().normalizer();
        this.crop = saved.preset().crop();
        // Kept open for the model's lifetime: tasks share the folded model read-only.
        ImageModel.inference(model);
    }

    List<String> classes() { return classes; }

    /** Per image: the network's output row (logits or features), or null with an error. */
    record Output(float[] values, String error) {}

    List<Output> logits(List<byte[]> images) { return run(images, false); }

    List<Output> features(List<byte[]> images) { return run(images, true); }

    private List<Output> run(List<byte[]> images, boolean features) {
        int per = 3 * crop * crop;
        float[] batch = new float[images.size() * per];
        String[] errors = new String[images.size()];
        int[] slot = new int[images.size()];
        int n = 0;
        for (int i = 0; i < images.size(); i++) {
            try {
                RgbImage img = EncodedImageTransform.decodeAndApply(transform, images.get(i), new SplittableRandom(0));
                normalize.apply(img, batch, n * per);
                slot[i] = n++;
            } catch (IOException | RuntimeException e) {
                errors[i] = e.getMessage() == null ? "unreadable image" : e.getMessage();
                slot[i] = -1;
            }
        }
        float[] out = new float[0];
        int width = 0;
        if (n > 0) {
            try (NDManager scope = Engine.newScope()) {
                NDArray x = scope.create(n == images.size() ? batch : Arrays.copyOf(batch, n * per), new Shape(n, 3, crop, crop));
                NDArray y = features ? model.forwardFeatures(x) : model.forward(x);
                width = (int) y.getShape().get(1);
                out = y.toFloatArray();
            }
        }
        List<Output> result = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            result.add(slot[i] < 0 ? new Output(null, errors[i])
                    : new Output(Arrays.copyOfRange(out, slot[i] * width, (slot[i] + 1) * width), null));
        }
        return result;
    }
}
