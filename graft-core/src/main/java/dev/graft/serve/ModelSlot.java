package dev.graft.serve;

import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.Preset;
import dev.graft.data.transforms.ToTensorNormalize;
import dev.graft.eval.Inference;
import dev.graft.eval.Logits;
import dev.graft.eval.Predictor;
import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One served model: a run directory loaded once and kept ready for inference, with the same
 * preprocessing as {@code graft predict} (the run's preset: resize, centre crop, normalise)
 * and the same softmax, through the one inference path ({@link Inference}, {@link Logits});
 * {@link #forward} is called from one thread at a time (the model's {@link Batcher}).
 */
public final class ModelSlot implements AutoCloseable {
    private final String name;
    private final SavedModel saved;
    private final List<String> classes;
    private final Preset preset;
    private final ImageModel model;
    private final Inference inference;
    private final ImageTransform transform;
    private final ToTensorNormalize normalize;

    private ModelSlot(String name, SavedModel saved, boolean bfloat16) {
        this.name = name;
        this.saved = saved;
        this.classes = saved.classes();
        this.preset = saved.preset();
        this.model = saved.load();
        model.setBfloat16Inference(bfloat16);
        this.inference = Inference.open(model);
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
        Logits y = inference.logits(batch, new long[] {n, 3, size(), size()});
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) rows[i] = y.row(i);
        return rows;
    }

    /** The k most probable classes, best first. */
    public List<Predictor.Scored> top(double[] probabilities, int k) {
        List<Predictor.Scored> out = new ArrayList<>();
        for (int c : Logits.best(probabilities, k)) out.add(new Predictor.Scored(c, label(c), probabilities[c]));
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
