package dev.graft.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.Preset;
import dev.graft.data.transforms.ToTensorNormalize;
import dev.graft.eval.Predictor;
import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.nn.Engine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One served model: a run directory loaded once and kept ready for inference, with the same
 * preprocessing as {@code graft predict} (the run's preset: resize, centre crop, normalise)
 * and the same softmax. This is the only class of the server that touches the inference API
 * ({@link SavedModel}, {@link Preset}, {@link ImageModel#inference}); {@link #forward} is
 * called from one thread at a time (the model's {@link Batcher}).
 */
public final class ModelSlot implements AutoCloseable {
    private final String name;
    private final SavedModel saved;
    private final List<String> classes;
    private final Preset preset;
    private final ImageModel model;
    private final ImageModel.Inference inference;
    private final ImageTransform transform;
    private final ToTensorNormalize normalize;

    private ModelSlot(String name, SavedModel saved, boolean bfloat16) {
        this.name = name;
        this.saved = saved;
        this.classes = saved.classes();
        this.preset = saved.preset();
        this.model = saved.load();
        model.setBfloat16Inference(bfloat16);
        model.eval();
        this.inference = ImageModel.inference(model);
        this.transform = preset.evalTransform();
        this.normalize = preset.normalizer();
    }

    /** Loads the run directory {@code run} (or its model.json) under {@code name}. */
    public static ModelSlot open(String name, Path run, boolean bfloat16) {
        return new ModelSlot(name, SavedModel.read(run), bfloat16);
    }

    public String name() { return name; }

    public Path dir() { return saved.dir(); }

    public List<String> classes() { return classes; }

    /** The side of the square input the model takes: the preset's centre crop. */
    public int size() { return preset.crop(); }

    public String arch() { return saved.arch(); }

    /** The floats of one image, {@code 3 x size x size}, as {@code graft predict} prepares them. */
    public float[] preprocess(byte[] encoded) throws IOException {
        RgbImage img = transform.apply(ImageDecoder.decode(encoded), new SplittableRandom(0));
        float[] out = new float[3 * size() * size()];
        normalize.apply(img, out, 0);
        return out;
    }

    /** Logits of {@code n} images packed in {@code batch} ({@code [n, 3, size, size]}), one row each. */
    public float[][] forward(float[] batch, int n) {
        float[] flat;
        int numClasses;
        try (NDManager scope = Engine.newScope()) {
            NDArray y = model.forward(scope.create(batch, new Shape(n, 3, size(), size())));
            numClasses = (int) y.getShape().get(1);
            flat = y.toFloatArray();
        }
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) rows[i] = Arrays.copyOfRange(flat, i * numClasses, (i + 1) * numClasses);
        return rows;
    }

    /** Softmax of the logits, computed as {@code graft predict} does (in double, max subtracted). */
    public static double[] probabilities(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** The k most probable classes, best first. */
    public List<Predictor.Scored> top(double[] probabilities, int k) {
        Integer[] idx = new Integer[probabilities.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        List<Predictor.Scored> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, idx.length); i++) {
            int c = idx[i];
            out.add(new Predictor.Scored(c, label(c), probabilities[c]));
        }
        return out;
    }

    public String label(int c) {
        return c < classes.size() ? classes.get(c) : Integer.toString(c);
    }

    @Override
    public void close() {
        inference.close();
        model.close();
    }
}
