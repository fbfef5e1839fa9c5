package dev.graft.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The case, 48 cats and 5 dogs, a model that always says cat: accuracy looks good,
 * balanced accuracy and macro-F1 do not, and the warnings say why.
 */
class MetricsWarningsTest {
    static final List<String> CLASSES = List.of("cat", "dog");

    @Test
    void alwaysGuessingTheLargestClassIsCaughtAndMeasured() {
        int[][] confusion = {{12, 0}, {1, 0}};
        Metrics m = Metrics.ofConfusion(confusion);
        assertEquals(12.0 / 13, m.accuracy(), 1e-12);
        assertEquals((1.0 + 0.0) / 2, m.balancedAccuracy(), 1e-12, "mean recall over classes");
        double f1Cat = 2 * (12.0 / 13) * 1.0 / (12.0 / 13 + 1.0);
        assertEquals(f1Cat / 2, m.macroF1(), 1e-12);
        List<String> w = MetricsWarnings.afterTraining(Metrics.of(CLASSES, new int[] {0, 0, 1}, new float[][] {
                {2, 1}, {3, 0}, {1, 0}}), new int[] {48, 5}, Double.NaN, "0.01");
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("validation accuracy 0.6667 is not above always guessing 'cat' (0.6667)"), w.get(0));
        assertTrue(w.get(1).startsWith("class 'dog' has recall 0"), w.get(1));
        for (String s : w) assertTrue(!s.contains("\n") && s.contains("--class-weights balanced"), s);
    }

    /** On balanced training data the class-balancing remedies change nothing: the warning says so. */
    @Test
    void balancedDataGetsNoClassBalancingAdvice() {
        Metrics chance = Metrics.of(CLASSES, new int[] {0, 1, 0, 1}, new float[][] {{2, 1}, {3, 0}, {1, 0}, {4, 1}});
        List<String> w = MetricsWarnings.afterTraining(chance, new int[] {20, 20}, Double.NaN, "0.01");
        assertEquals(2, w.size(), w.toString());
        for (String s : w) {
            assertTrue(!s.contains("--class-weights") && s.contains("classes are balanced, so train longer"), s);
        }
    }

    /** A training loss far above chance level is a rate that blew the run up: one warning, about the rate. */
    @Test
    void aBlownUpRunIsToldToLowerTheRateNotToTrainLonger() {
        Metrics chance = Metrics.of(CLASSES, new int[] {0, 1, 0, 1}, new float[][] {{2, 1}, {3, 0}, {1, 0}, {4, 1}});
        List<String> w = MetricsWarnings.afterTraining(chance, new int[] {20, 20}, 41962, "3");
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("the last epoch's training loss 4.196e+04 is far above chance level (0.69 for 2 classes)")
                && w.get(0).contains("learning rate (3) is too high") && !w.get(0).contains("train longer"), w.get(0));
        // a loss near chance level is an undertrained run: the usual warnings
        assertEquals(2, MetricsWarnings.afterTraining(chance, new int[] {20, 20}, 0.9, "3").size());
    }

    @Test
    void rareClassesAreNamedOncePerClass() {
        List<String> w = MetricsWarnings.rareClasses(List.of("cat", "dog", "fox", "owl"), new int[] {48, 5, 4, 40});
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("class 'dog' is rare: 5 training images against 48 of 'cat'"), w.get(0));
        assertTrue(w.get(1).startsWith("class 'fox' is rare"), w.get(1));
        assertTrue(MetricsWarnings.rareClasses(List.of("a", "b"), new int[] {20, 10}).isEmpty());
        assertTrue(MetricsWarnings.rareClasses(List.of("a", "b"), new int[] {20, 1}).get(0).contains(" 1 training image against "));
    }

    @Test
    void aGoodModelGetsNoWarningAndTheJsonHasTheNewMetrics() {
        Random r = new Random(3);
        int[] labels = new int[40];
        float[][] scores = new float[40][3];
        for (int i = 0; i < 40; i++) {
            labels[i] = i % 3;
            scores[i][labels[i]] = 1 + r.nextFloat();
        }
        Metrics m = Metrics.of(List.of("a", "b", "c"), labels, scores);
        assertTrue(MetricsWarnings.afterTraining(m, new int[] {10, 10, 10}, Double.NaN, "0.01").isEmpty());
        assertEquals(1.0, m.toJsonObject().get("balanced_accuracy").getAsDouble());
        assertEquals(1.0, m.toJsonObject().get("macro_f1").getAsDouble());
        assertTrue(m.formatReport().contains("balanced acc"), m.formatReport());
    }
}
