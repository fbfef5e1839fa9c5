package dev.graft.spark;

import dev.graft.eval.Logits;
import java.util.List;

/**
 * Softmax over one image's logits and its {@code k} best classes, best first, computed as
 * {@code graft predict} does (eval.Logits): in double, after subtracting the maximum, ties
 * keeping the lower class index; a class without a name is labelled by its index.
 */
final class Scores {
    private Scores() {}

    record Top(String[] labels, Double[] probabilities) {}

    static Top top(float[] logits, int k, List<String> classes) {
        double[] p = Logits.softmax(logits);
        int[] best = Logits.best(p, k);
        String[] labels = new String[best.length];
        Double[] probs = new Double[best.length];
        for (int i = 0; i < best.length; i++) {
            int c = best[i];
            labels[i] = c < classes.size() ? classes.get(c) : Integer.toString(c);
            probs[i] = p[c];
        }
        return new Top(labels, probs);
    }
}
