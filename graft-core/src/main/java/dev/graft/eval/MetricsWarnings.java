package dev.graft.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One-line warnings about imbalanced data, for the terminal and the report. Before training:
 * a class is rare when it has fewer than {@value #RARE_FRACTION} of the largest class's training
 * images, or fewer than {@value #MIN_IMAGES} and under half the largest class's (48 cats and 5 dogs
 * warn, 3 and 3 do not). After training: the validation accuracy is
 * not above always guessing the largest training class, or a class with validation images has
 * recall 0. A high accuracy on imbalanced data can hide both; the warnings point at the remedies
 * (for balanced training data, which those do not help: training longer). A run whose training
 * loss ended far above chance level gets one warning instead: its rate is too high.
 */
public final class MetricsWarnings {
    /** A class with fewer training images than this, and under half the largest class's, is rare. */
    public static final int MIN_IMAGES = 10;
    /** A class with fewer training images than this fraction of the largest class's is rare. */
    public static final double RARE_FRACTION = 0.1;

    private static final String REMEDY = "; try --class-weights balanced or --sampler balanced, and --monitor macro_f1.";
    /** For balanced training data, where the class remedies change nothing. */
    private static final String UNDERTRAINED = "; the training classes are balanced, so train longer (--epochs) or check"
            + " that the classes can be told apart.";

    private MetricsWarnings() {}

    /** One warning per rare class, given the training images per class (indexed by label). */
    public static List<String> rareClasses(List<String> classes, int[] trainCounts) {
        List<String> out = new ArrayList<>();
        int largest = largest(trainCounts);
        if (largest < 0) return out;
        int max = trainCounts[largest];
        for (int c = 0; c < trainCounts.length; c++) {
            if (c != largest && (trainCounts[c] < RARE_FRACTION * max || trainCounts[c] < MIN_IMAGES && 2 * trainCounts[c] < max)) {
                out.add("class '" + classes.get(c) + "' is rare: " + trainCounts[c] + " training image" + (trainCounts[c] == 1 ? "" : "s") + " against " + max
                        + " of '" + classes.get(largest) + "'" + REMEDY);
            }
        }
        return out;
    }

    /** A last training loss this many times chance level (ln K) is a run the rate blew up, not an undertrained one. */
    public static final double BLOWN_UP = 3;

    /**
     * Warnings about the final model: a last training loss far above chance level ({@link
     * #BLOWN_UP} x ln K; the rate {@code lr} is too high, and that one warning replaces the others,
     * whose advice would be wrong), else validation accuracy not above always guessing the
     * largest training class, and each class with validation images but recall 0.
     * {@code lastTrainLoss} may be NaN (unknown); {@code lr} is the rate as the run's options write it.
     */
    public static List<String> afterTraining(Metrics val, int[] trainCounts, double lastTrainLoss, String lr) {
        List<String> out = new ArrayList<>();
        double chance = Math.log(trainCounts.length);
        if (lastTrainLoss > BLOWN_UP * chance) {
            out.add(String.format(Locale.ROOT, "the last epoch's training loss %.4g is far above chance level (%.2f for %d"
                    + " classes): the learning rate (%s) is too high for this run, and more epochs will not help; try a"
                    + " lower --lr", lastTrainLoss, chance, trainCounts.length, lr));
            return out;
        }
        if (val.count() == 0) return out;
        int largest = largest(trainCounts);
        String remedy = largest >= 0 && 2 * java.util.Arrays.stream(trainCounts).min().getAsInt() >= trainCounts[largest]
                ? UNDERTRAINED : REMEDY;
        if (largest >= 0) {
            double baseline = (double) val.perClass().get(largest).support() / val.count();
            if (val.accuracy() <= baseline) {
                out.add(String.format(Locale.ROOT, "validation accuracy %.4f is not above always guessing '%s' (%.4f);"
                        + " balanced accuracy is %.4f and macro-F1 %.4f%s", val.accuracy(), val.classes().get(largest),
                        baseline, val.balancedAccuracy(), val.macroF1(), remedy));
            }
        }
        for (ClassStats s : val.perClass()) {
            if (s.support() > 0 && s.recall() == 0) {
                out.add("class '" + s.name() + "' has recall 0: none of its " + s.support()
                        + " validation images was recognised" + remedy);
            }
        }
        return out;
    }

    private static int largest(int[] counts) {
        int best = -1;
        for (int c = 0; c < counts.length; c++) if (best < 0 || counts[c] > counts[best]) best = c;
        return best;
    }
}
