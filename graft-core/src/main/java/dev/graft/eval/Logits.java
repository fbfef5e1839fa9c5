package dev.graft.eval;

import java.util.Arrays;

/**
 * A model's outputs for a batch, {@code [rows, numClasses]} row-major, and what is read off
 * them: each row's arg-max class (the first index winning ties, as {@code torch.argmax}) and
 * its best classes with softmax probabilities (a head ending in LogSoftmax gives the same
 * probabilities as one without it).
 */
public record Logits(float[] values, int numClasses) {
    public int rows() { return numClasses == 0 ? 0 : values.length / numClasses; }

    /** The outputs of one sample. */
    public float[] row(int i) {
        return Arrays.copyOfRange(values, i * numClasses, (i + 1) * numClasses);
    }

    /** Arg-max class of each row. */
    public int[] argmax() {
        int[] out = new int[rows()];
        for (int i = 0; i < out.length; i++) {
            int arg = 0;
            for (int j = 1; j < numClasses; j++) if (values[i * numClasses + j] > values[i * numClasses + arg]) arg = j;
            out[i] = arg;
        }
        return out;
    }

    /** How many rows' arg-max equals {@code labels}. */
    public int correct(int[] labels) {
        int[] p = argmax();
        int right = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) right++;
        return right;
    }

    /** The {@code k} best classes of a row, best first, with their softmax probabilities. */
    public record Top(int[] classes, double[] probabilities) {}

    public Top top(int row, int k) { return top(row(row), k); }

    /** {@link #top(int, int)} of one row of outputs. */
    public static Top top(float[] logits, int k) {
        double[] p = softmax(logits);
        int[] classes = best(p, k);
        double[] probabilities = new double[classes.length];
        for (int i = 0; i < classes.length; i++) probabilities[i] = p[classes[i]];
        return new Top(classes, probabilities);
    }

    /** Softmax of one row, in double with the maximum subtracted (a LogSoftmax head gives the same). */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** The indices of the {@code k} largest scores, largest first (the lower index first on ties). */
    public static int[] best(double[] scores, int k) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(scores[b], scores[a]));
        int[] out = new int[Math.max(0, Math.min(k, idx.length))];
        for (int i = 0; i < out.length; i++) out[i] = idx[i];
        return out;
    }
}
