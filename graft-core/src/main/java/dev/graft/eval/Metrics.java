package dev.graft.eval;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Classification metrics of one evaluation pass: accuracy, top-k accuracy (k = min(5,
 * classes)), per-class precision/recall/F1/support with macro and weighted averages (as
 * sklearn's {@code classification_report}), the confusion matrix (rows = true class, columns
 * = predicted class, as sklearn's {@code confusion_matrix}), the most confused pairs (as
 * fastai's {@code most_confused}) and the most confident mistakes. Built by
 * {@link MetricsAccumulator}; immutable.
 */
public final class Metrics {
    /** How many confused pairs {@link #toJsonObject()} lists. */
    public static final int JSON_MOST_CONFUSED = 20;

    private final List<String> classes;
    private final int[][] confusion;
    private final long count;
    private final long topKCorrect;
    private final int k;
    private final List<Mistake> worstMistakes;
    private final List<ClassStats> perClass;

    Metrics(List<String> classes, int[][] confusion, long count, long topKCorrect, int k,
            List<Mistake> worstMistakes) {
        this.classes = List.copyOf(classes);
        this.confusion = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) this.confusion[i] = confusion[i].clone();
        this.count = count;
        this.topKCorrect = topKCorrect;
        this.k = k;
        this.worstMistakes = List.copyOf(worstMistakes);
        this.perClass = computePerClass();
    }

    /** Metrics of whole arrays at once: {@code scores[i]} holds the scores of sample i. */
    public static Metrics of(List<String> classes, int[] trueLabels, float[][] scores) {
        MetricsAccumulator acc = new MetricsAccumulator(classes);
        for (int i = 0; i < trueLabels.length; i++) acc.add(trueLabels[i], scores[i], null);
        return acc.result();
    }

    /** Metrics of a confusion matrix alone ({@code [true][predicted]}; classes named by index, no top-k). */
    public static Metrics ofConfusion(int[][] confusion) {
        List<String> names = new ArrayList<>();
        long n = 0;
        for (int c = 0; c < confusion.length; c++) {
            names.add(String.valueOf(c));
            for (int v : confusion[c]) n += v;
        }
        return new Metrics(names, confusion, n, 0, 0, List.of());
    }

    public List<String> classes() {
        return classes;
    }

    /** Number of samples evaluated. */
    public long count() {
        return count;
    }

    /** Samples whose arg-max prediction equals the true label. */
    public long correct() {
        long c = 0;
        for (int i = 0; i < confusion.length; i++) c += confusion[i][i];
        return c;
    }

    /** Fraction predicted right; NaN when no sample was seen. */
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct() / count;
    }

    /** The k of {@link #topKAccuracy()}: min(5, number of classes). */
    public int k() {
        return k;
    }

    /** Whether top-k says anything: only with more than k classes (top-2 of 2 classes is always right). */
    public boolean hasTopK() {
        return classes.size() > k;
    }

    /** Fraction whose true class is among the k highest scores; NaN when empty. */
    public double topKAccuracy() {
        return count == 0 ? Double.NaN : (double) topKCorrect / count;
    }

    /** One row per class, in class-index order. */
    public List<ClassStats> perClass() {
        return perClass;
    }

    /**
     * The mean recall over the classes that have samples, as sklearn's
     * {@code balanced_accuracy_score}: always guessing one class scores 1 / classes however
     * rare the others are. NaN when empty.
     */
    public double balancedAccuracy() {
        double sum = 0;
        int present = 0;
        for (ClassStats s : perClass) {
            if (s.support() > 0) {
                sum += s.recall();
                present++;
            }
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /** The macro-averaged F1 ({@link #macroAverage()}'s F1, sklearn's {@code f1_score(average="macro")}); NaN when empty. */
    public double macroF1() {
        return count == 0 ? Double.NaN : macroAverage().f1();
    }

    /** Unweighted mean over classes of precision, recall and F1 (sklearn "macro avg"). */
    public ClassStats macroAverage() {
        double p = 0, r = 0, f = 0;
        for (ClassStats s : perClass) {
            p += s.precision();
            r += s.recall();
            f += s.f1();
        }
        int n = perClass.size();
        return new ClassStats("macro avg", p / n, r / n, f / n, (int) count);
    }

    /** Support-weighted mean of precision, recall and F1 (sklearn "weighted avg"). */
    public ClassStats weightedAverage() {
        double p = 0, r = 0, f = 0;
        for (ClassStats s : perClass) {
            p += s.precision() * s.support();
            r += s.recall() * s.support();
            f += s.f1() * s.support();
        }
        double n = count == 0 ? 1 : count;
        return new ClassStats("weighted avg", p / n, r / n, f / n, (int) count);
    }

    /** A copy of the confusion matrix: {@code [true][predicted]} counts. */
    public int[][] confusionMatrix() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) copy[i] = confusion[i].clone();
        return copy;
    }

    /**
     * Every non-zero off-diagonal cell, largest count first; ties in true-class then
     * predicted-class order.
     */
    public List<ConfusedPair> mostConfused() {
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                if (t != p && confusion[t][p] > 0) {
                    pairs.add(new ConfusedPair(t, p, classes.get(t), classes.get(p),
                            confusion[t][p]));
                }
            }
        }
        // Stable sort keeps the (true, predicted) scan order among equal counts.
        pairs.sort((a, b) -> Integer.compare(b.count(), a.count()));
        return Collections.unmodifiableList(pairs);
    }

    /** The most confident wrong predictions, worst first (as many as the accumulator kept). */
    public List<Mistake> worstMistakes() {
        return worstMistakes;
    }

    /**
     * The metrics as JSON: {@code accuracy}, {@code balanced_accuracy}, {@code macro_f1},
     * {@code top5} (top-k accuracy, k in {@code top_k}; only with more than k classes),
     * {@code count}, {@code classes}, {@code per_class} ({class, precision, recall, f1,
     * support}), {@code macro_avg}, {@code weighted_avg}, {@code confusion_matrix} (rows =
     * true), {@code most_confused} (at most 20 {true, predicted, count}) and
     * {@code worst_mistakes}. NaN becomes null.
     */
    public JsonObject toJsonObject() {
        JsonObject o = new JsonObject();
        o.add("accuracy", num(accuracy()));
        o.add("balanced_accuracy", num(balancedAccuracy()));
        o.add("macro_f1", num(macroF1()));
        if (hasTopK()) {
            o.add("top5", num(topKAccuracy()));
            o.addProperty("top_k", k);
        }
        o.addProperty("count", count);
        o.addProperty("correct", correct());
        JsonArray names = new JsonArray();
        classes.forEach(names::add);
        o.add("classes", names);
        JsonArray pc = new JsonArray();
        for (ClassStats s : perClass) pc.add(statsJson(s));
        o.add("per_class", pc);
        o.add("macro_avg", statsJson(macroAverage()));
        o.add("weighted_avg", statsJson(weightedAverage()));
        JsonArray cm = new JsonArray();
        for (int[] row : confusion) {
            JsonArray r = new JsonArray();
            for (int v : row) r.add(v);
            cm.add(r);
        }
        o.add("confusion_matrix", cm);
        JsonArray mc = new JsonArray();
        for (ConfusedPair p : mostConfused().subList(0,
                Math.min(JSON_MOST_CONFUSED, mostConfused().size()))) {
            JsonObject e = new JsonObject();
            e.addProperty("true", p.trueClass());
            e.addProperty("predicted", p.predictedClass());
            e.addProperty("count", p.count());
            mc.add(e);
        }
        o.add("most_confused", mc);
        JsonArray wm = new JsonArray();
        for (Mistake m : worstMistakes) {
            JsonObject e = new JsonObject();
            e.addProperty("source", m.source());
            e.addProperty("true", classes.get(m.trueLabel()));
            e.addProperty("predicted", classes.get(m.predictedLabel()));
            e.add("confidence", num(m.confidence()));
            wm.add(e);
        }
        o.add("worst_mistakes", wm);
        return o;
    }

    /** {@link #toJsonObject()} pretty-printed. */
    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create()
                .toJson(toJsonObject());
    }

    /** A plain-text table like sklearn's {@code classification_report}, for terminals. */
    public String formatReport() {
        int w = Math.max(12, classes.stream().mapToInt(String::length).max().orElse(0) + 2);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%" + w + "s %10s %10s %10s %10s%n", "", "precision", "recall",
                "f1-score", "support"));
        for (ClassStats s : perClass) sb.append(row(w, s));
        sb.append(String.format("%n%" + w + "s %10s %10s %10.4f %10d%n", "accuracy", "", "",
                accuracy(), count));
        if (hasTopK()) {
            sb.append(String.format("%" + w + "s %10s %10s %10.4f %10d%n", "top-" + k, "", "", topKAccuracy(), count));
        }
        sb.append(row(w, macroAverage()));
        sb.append(row(w, weightedAverage()));
        sb.append(String.format("%" + w + "s %10s %10s %10.4f %10d%n", "balanced acc", "", "",
                balancedAccuracy(), count));
        return sb.toString();
    }

    private static String row(int w, ClassStats s) {
        return String.format("%" + w + "s %10.4f %10.4f %10.4f %10d%n", s.name(), s.precision(),
                s.recall(), s.f1(), s.support());
    }

    private List<ClassStats> computePerClass() {
        int n = classes.size();
        List<ClassStats> out = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            long tp = confusion[c][c], support = 0, predicted = 0;
            for (int j = 0; j < n; j++) {
                support += confusion[c][j];
                predicted += confusion[j][c];
            }
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            out.add(new ClassStats(classes.get(c), precision, recall, f1, (int) support));
        }
        return List.copyOf(out);
    }

    private static JsonObject statsJson(ClassStats s) {
        JsonObject e = new JsonObject();
        e.addProperty("class", s.name());
        e.add("precision", num(s.precision()));
        e.add("recall", num(s.recall()));
        e.add("f1", num(s.f1()));
        e.addProperty("support", s.support());
        return e;
    }

    private static com.google.gson.JsonElement num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? JsonNull.INSTANCE : new JsonPrimitive(v);
    }
}
