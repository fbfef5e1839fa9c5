package dev.graft.train;

import ai.djl.ndarray.NDArray;
import dev.graft.eval.Inference;
import dev.graft.eval.Logits;
import dev.graft.nn.Module;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Runs a model over the fit loop's batches through the one inference path
 * ({@link Inference}: eval mode, BatchNorm folded, bfloat16 if asked, mode restored after)
 * and collects the outputs of every sample with the labels the batches carried, for metrics
 * computed outside the engine (the run report, the feature cache, {@link Learner#predict}).
 */
public final class Predict {
    private Predict() {}

    /**
     * Outputs {@code [samples, classes]} row-major, with the labels and dataset indices the batches
     * carried (-1 when none).
     */
    public record Predictions(float[] outputs, int numClasses, int[] labels, int[] indices) {
        public int size() { return labels.length; }

        public float[] row(int i) { return logits().row(i); }

        /** The outputs as {@link Logits}, for top-k and probabilities. */
        public Logits logits() { return new Logits(outputs, numClasses); }

        /** Arg-max class of each sample. */
        public int[] predicted() { return logits().argmax(); }

        /** How many samples were predicted as labelled. */
        public int correct() { return logits().correct(labels); }

        public double accuracy() {
            return size() == 0 ? Double.NaN : (double) correct() / size();
        }
    }

    public static Predictions run(Module model, Iterable<Batch> batches) {
        return run(model, model::forward, batches);
    }

    public static Predictions run(Module model, UnaryOperator<NDArray> forward, Iterable<Batch> batches) {
        try (Inference inference = Inference.open(model, forward)) {
            float[] all = new float[0];
            int[] labels = new int[0], indices = new int[0];
            int classes = -1, n = 0;
            for (Batch b : batches) {
                Logits y = inference.logits(b.x(), b.shape());
                classes = y.numClasses();
                float[] out = y.values();
                if ((long) (n + b.n()) * classes > all.length) {
                    all = Arrays.copyOf(all, Math.max(all.length * 2, (n + b.n()) * classes));
                    labels = Arrays.copyOf(labels, Math.max(labels.length * 2, n + b.n()));
                    indices = Arrays.copyOf(indices, labels.length);
                }
                System.arraycopy(out, 0, all, n * classes, out.length);
                for (int i = 0; i < b.n(); i++) {
                    labels[n + i] = b.labels() == null ? -1 : b.labels()[i];
                    indices[n + i] = b.indices() == null ? -1 : b.indices()[i];
                }
                n += b.n();
            }
            return new Predictions(Arrays.copyOf(all, Math.max(n * classes, 0)), Math.max(classes, 0),
                    Arrays.copyOf(labels, n), Arrays.copyOf(indices, n));
        }
    }
}
