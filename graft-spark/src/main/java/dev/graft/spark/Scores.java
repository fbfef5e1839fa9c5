package dev.graft.spark;

import java.util.List;

/**
 * Softmax over one image's logits and its {@code k} best classes, best first, computed as
 * {@code graft predict} does (eval.Predictor): in double, after subtracting the maximum, ties
 * keeping the lower class index; a class without a name is labelled by its index.
 */
final class Scores {
    private Scores() {}

    record Top(String[] labels, Double[] probabilities) {}

    static Top top(float[] logits, int k, List<String> classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(p[b], p[a]));
        int n = Math.min(k, idx.length);
        String[] labels = new String[n];
        Double[] probs = new Double[n];
        for (int i = 0; i < n; i++) {
            int c = idx[i];
            labels[i] = c < classes.size() ? classes.get(c) : Integer.toString(c);
            probs[i] = p[c] / sum;
        }
        return new Top(labels, probs);
    }
}
