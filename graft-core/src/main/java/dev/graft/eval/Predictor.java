package dev.graft.eval;

import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import dev.graft.data.transforms.Preset;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies images with a model and its inference preset (resize, centre crop, normalise),
 * {@code batchSize} images per forward pass through the one inference path ({@link Inference}).
 * Images may be files, encoded bytes (JPEG, PNG, PNM: a web request, a Spark row) or already
 * decoded; one that cannot be read gets an error entry instead of stopping the others.
 * This is the Java API behind {@code graft predict}:
 * <pre>{@code
 * try (Predictor predictor = Predictor.open(Path.of("runs/cats"), 16)) {    // a graft run directory
 *     for (Predictor.Prediction p : predictor.predict(files, 5, false)) {
 *         System.out.println(p.image() + " " + p.top().get(0).label());       // best class first
 *     }
 *     List<Predictor.Prediction> fromBytes = predictor.predictEncoded(jpegs, 5); // e.g. per Spark partition
 * }
 * }</pre>
 * A model already in memory works too: {@code new Predictor(model, classes, preset, 16)}
 * (closing that Predictor leaves the model open). Not thread-safe: one Predictor per thread.
 */
public final class Predictor implements AutoCloseable {
    private final ImageModel model;
    private final List<String> classes;
    private final Preset preset;
    private final int batchSize;
    private final boolean ownsModel;

    /** A predictor over {@code model}, whose outputs are {@code classes}, preparing images as {@code preset} says. */
    public Predictor(ImageModel model, List<String> classes, Preset preset, int batchSize) {
        this(model, classes, preset, batchSize, false);
    }

    private Predictor(ImageModel model, List<String> classes, Preset preset, int batchSize, boolean ownsModel) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.model = model;
        this.classes = List.copyOf(classes);
        this.preset = preset;
        this.batchSize = batchSize;
        this.ownsModel = ownsModel;
        model.eval();
    }

    /** The model of a graft run directory (or a {@code model.json} file) with its classes and preset; close it to free the model. */
    public static Predictor open(Path run, int batchSize) {
        SavedModel saved = SavedModel.read(run);
        return new Predictor(saved.load(batchSize), saved.classes(), saved.preset(), batchSize, true);
    }

    /** The class names, index = model output. */
    public List<String> classes() { return classes; }

    /** One class and its probability. */
    public record Scored(int index, String label, double probability) {}

    /** The result for one image: the top classes, the raw logits if asked for, or an error. */
    public record Prediction(String image, List<Scored> top, float[] logits, String error) {}

    /** The {@code topk} best classes of each file, in order; {@code keepLogits} adds the raw outputs. */
    public List<Prediction> predict(List<Path> images, int topk, boolean keepLogits) {
        List<Source> sources = new ArrayList<>();
        for (Path p : images) sources.add(new Source(p.toString(), () -> ImageDecoder.decode(p)));
        return run(sources, topk, keepLogits);
    }

    /** The same for encoded images (JPEG, PNG, PNM bytes); entries are named {@code #0}, {@code #1}, ... */
    public List<Prediction> predictEncoded(List<byte[]> images, int topk) {
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            byte[] bytes = images.get(i);
            sources.add(new Source("#" + i, () -> ImageDecoder.decode(bytes)));
        }
        return run(sources, topk, false);
    }

    /** The same for decoded images (still to be resized and cropped as the preset says); named {@code #0}, ... */
    public List<Prediction> predictImages(List<RgbImage> images, int topk) {
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            RgbImage image = images.get(i);
            sources.add(new Source("#" + i, () -> image));
        }
        return run(sources, topk, false);
    }

    /** Closes the model if {@link #open} loaded it. */
    @Override
    public void close() {
        if (ownsModel) model.close();
    }

    private record Source(String name, ImageBatch.IoSupplier image) {}

    private List<Prediction> run(List<Source> sources, int topk, boolean keepLogits) {
        List<Prediction> out = new ArrayList<>();
        // BatchNorm folded into the convolutions while predicting (same logits within 1e-6
        // relative, one pass less over every activation), bfloat16 if the model is set to;
        // the model is restored afterwards
        try (Inference inference = Inference.open(model)) {
            for (int start = 0; start < sources.size(); start += batchSize) {
                List<Source> batch = sources.subList(start, Math.min(sources.size(), start + batchSize));
                out.addAll(predictBatch(inference, batch, topk, keepLogits));
            }
        }
        return out;
    }

    private List<Prediction> predictBatch(Inference inference, List<Source> files, int topk, boolean keepLogits) {
        ImageBatch batch = ImageBatch.pack(files.stream().map(f -> ImageBatch.of(f.image())).toList(), preset);
        Logits logits = batch.size() == 0 ? new Logits(new float[0], 0) : inference.logits(batch.input(), batch.shape());
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i).name();
            Exception e = batch.failure(i);
            if (e != null) {
                out.add(new Prediction(name, List.of(), null,
                        name + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
                continue;
            }
            float[] row = logits.row(batch.row(i));
            out.add(new Prediction(name, top(row, topk), keepLogits ? row : null, null));
        }
        return out;
    }

    /** Softmax probabilities of the k best classes, best first (the head may already end in LogSoftmax). */
    List<Scored> top(float[] logits, int k) {
        Logits.Top t = Logits.top(logits, k);
        List<Scored> out = new ArrayList<>();
        for (int i = 0; i < t.classes().length; i++) {
            int c = t.classes()[i];
            out.add(new Scored(c, c < classes.size() ? classes.get(c) : Integer.toString(c), t.probabilities()[i]));
        }
        return out;
    }
}
