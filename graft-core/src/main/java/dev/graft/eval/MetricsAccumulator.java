package dev.graft.eval;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Collects per-sample predictions during an evaluation pass and turns them into
 * {@link Metrics}: feed it one sample at a time (true label, the model's scores for every
 * class, and an optional source id such as the image path), then call {@link #result()}.
 * Memory is one confusion matrix plus the {@code keepMistakes} most confident wrong
 * predictions, so it can run over any number of samples.
 *
 * <p>Scores may be logits or probabilities: a row whose values all lie in [0, 1] and sum to
 * 1 (within 1e-3) is taken as probabilities, any other row goes through softmax. Only the
 * confidences of kept mistakes depend on this; the predicted class is the arg-max either way,
 * the first index winning ties as {@code torch.argmax} does.
 */
public final class MetricsAccumulator {
    /** As many mistakes as the seeds' 24-image prediction grid shows. */
    public static final int DEFAULT_KEEP_MISTAKES = 24;

    /** Mistakes are ranked by confidence (higher is worse), then by arrival (earlier first). */
    static final Comparator<Mistake> WORST_FIRST = Comparator
            .comparingDouble(Mistake::confidence).reversed()
            .thenComparingLong(Mistake::index);

    private final List<String> classes;
    private final int k;
    private final int keepMistakes;
    private final int[][] confusion;
    private long topKCorrect;
    private long count;
    // Min-heap on "worst": its head is the least bad kept mistake, the one to evict.
    private final PriorityQueue<Mistake> mistakes;

    /** An accumulator for these class names (index = label) keeping 24 worst mistakes. */
    public MetricsAccumulator(List<String> classes) {
        this(classes, DEFAULT_KEEP_MISTAKES);
    }

    /** An accumulator for these class names keeping the {@code keepMistakes} worst mistakes. */
    public MetricsAccumulator(List<String> classes, int keepMistakes) {
        if (classes == null || classes.isEmpty()) {
            throw new GraftException("metrics need at least one class name, got none");
        }
        if (keepMistakes < 0) {
            throw new IllegalArgumentException("keepMistakes must be >= 0, got " + keepMistakes);
        }
        this.classes = List.copyOf(classes);
        this.k = Math.min(5, classes.size());
        this.keepMistakes = keepMistakes;
        this.confusion = new int[classes.size()][classes.size()];
        this.mistakes = new PriorityQueue<>(WORST_FIRST.reversed());
    }

    /**
     * Adds one sample. {@code scores} has one value per class (logits or probabilities);
     * {@code source} names the sample in the mistakes list and may be null.
     */
    public void add(int trueLabel, float[] scores, String source) {
        int n = classes.size();
        if (trueLabel < 0 || trueLabel >= n) {
            throw new GraftException("true label " + trueLabel + " is outside 0.." + (n - 1)
                    + " for " + n + " classes" + where(source));
        }
        if (scores == null || scores.length != n) {
            throw new GraftException("expected " + n + " scores (one per class), got "
                    + (scores == null ? "none" : scores.length) + where(source));
        }
        int pred = 0;
        for (int j = 0; j < n; j++) {
            if (Float.isNaN(scores[j])) {
                throw new GraftException("model scores contain NaN" + where(source)
                        + "; the model has probably diverged");
            }
            if (scores[j] > scores[pred]) pred = j;
        }
        confusion[trueLabel][pred]++;
        if (rank(scores, trueLabel) < k) topKCorrect++;
        if (pred != trueLabel && keepMistakes > 0) {
            double[] p = probabilities(scores);
            offer(new Mistake(count, trueLabel, pred, p[pred], p[trueLabel], source));
        }
        count++;
    }

    /** Number of samples added so far. */
    public long count() {
        return count;
    }

    /** The metrics of everything added so far (the accumulator stays usable). */
    public Metrics result() {
        List<Mistake> worst = new ArrayList<>(mistakes);
        worst.sort(WORST_FIRST);
        return new Metrics(classes, confusion, count, topKCorrect, k, worst);
    }

    private void offer(Mistake m) {
        if (mistakes.size() < keepMistakes) {
            mistakes.add(m);
        } else if (WORST_FIRST.compare(m, mistakes.peek()) < 0) {
            mistakes.poll();
            mistakes.add(m);
        }
    }

    /**
     * Position of the true class when classes are sorted by score, best first, ties going to
     * the lower index (so rank 0 is exactly the arg-max prediction).
     */
    static int rank(float[] scores, int label) {
        float s = scores[label];
        int r = 0;
        for (int j = 0; j < scores.length; j++) {
            if (scores[j] > s || (scores[j] == s && j < label)) r++;
        }
        return r;
    }

    static double[] probabilities(float[] scores) {
        double sum = 0;
        boolean inUnit = true;
        for (float v : scores) {
            sum += v;
            inUnit &= v >= 0 && v <= 1;
        }
        double[] p = new double[scores.length];
        if (inUnit && Math.abs(sum - 1) <= 1e-3) {
            for (int j = 0; j < p.length; j++) p[j] = scores[j];
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : scores) max = Math.max(max, v);
        double z = 0;
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(scores[j] - max);
            z += p[j];
        }
        for (int j = 0; j < p.length; j++) p[j] /= z;
        return p;
    }

    private static String where(String source) {
        return source == null ? "" : " (sample " + source + ")";
    }
}
