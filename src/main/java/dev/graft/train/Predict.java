package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.models.ImageModel;
import dev.graft.nn.Engine;
import dev.graft.nn.Module;
import java.util.function.UnaryOperator;

/**
 * Runs a model in eval mode over batches and collects the outputs of every sample, for
 * metrics (accuracy, confusion matrix, top-k) computed outside the engine. The model's
 * train/eval mode is restored afterwards. The model runs as {@link ImageModel#inference} sets
 * it up (BatchNorm folded into the convolutions, bfloat16 if asked) for the duration of the call.
 */
public final class Predict {
    private Predict() {}

    /** Outputs {@code [samples, classes]} row-major, with the labels the batches carried (-1 when none). */
    public record Predictions(float[] outputs, int numClasses, int[] labels) {
        public int size() { return labels.length; }

        public float[] row(int i) {
            return java.util.Arrays.copyOfRange(outputs, i * numClasses, (i + 1) * numClasses);
        }

        /** Arg-max class of each sample. */
        public int[] predicted() {
            int[] out = new int[size()];
            for (int i = 0; i < out.length; i++) {
                int arg = 0;
                for (int j = 1; j < numClasses; j++) if (outputs[i * numClasses + j] > outputs[i * numClasses + arg]) arg = j;
                out[i] = arg;
            }
            return out;
        }

        /** How many samples were predicted as labelled. */
        public int correct() {
            int[] p = predicted();
            int right = 0;
            for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) right++;
            return right;
        }

        public double accuracy() {
            return size() == 0 ? Double.NaN : (double) correct() / size();
        }
    }

    public static Predictions run(Module model, Iterable<Batch> batches) {
        return run(model, model::forward, batches);
    }

    public static Predictions run(Module model, UnaryOperator<NDArray> forward, Iterable<Batch> batches) {
        boolean wasTraining = model.isTraining();
        model.eval();
        // BatchNorm folded into the convolutions (the same outputs, 1e-6 relative, with one pass
        // less over every activation) and bfloat16 if the model is set to; undone before the
        // mode is restored
        try (ImageModel.Inference inference = ImageModel.inference(model)) {
            float[] all = new float[0];
            int[] labels = new int[0];
            int classes = -1, n = 0;
            for (Batch b : batches) {
                float[] out;
                try (NDManager scope = Engine.newScope()) {
                    NDArray y = forward.apply(scope.create(b.x(), new Shape(b.shape())));
                    classes = (int) y.getShape().get(1);
                    out = y.toFloatArray();
                }
                if ((long) (n + b.n()) * classes > all.length) {
                    all = java.util.Arrays.copyOf(all, Math.max(all.length * 2, (n + b.n()) * classes));
                    labels = java.util.Arrays.copyOf(labels, Math.max(labels.length * 2, n + b.n()));
                }
                System.arraycopy(out, 0, all, n * classes, out.length);
                for (int i = 0; i < b.n(); i++) labels[n + i] = b.labels() == null ? -1 : b.labels()[i];
                n += b.n();
            }
            return new Predictions(java.util.Arrays.copyOf(all, Math.max(n * classes, 0)), Math.max(classes, 0),
                    java.util.Arrays.copyOf(labels, n));
        } finally {
            model.train(wasTraining);
        }
    }
}
