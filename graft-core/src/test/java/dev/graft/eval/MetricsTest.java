package dev.graft.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double EPS = 1e-12;

    /**
     * Eight samples over three classes, worked out by hand (see the confusion matrix below):
     * rows cat [2,1,0], dog [1,1,0], fox [0,1,2].
     */
    private static MetricsAccumulator handExample(int keep) {
        MetricsAccumulator acc = new MetricsAccumulator(List.of("cat", "dog", "fox"), keep);
        acc.add(0, new float[] {0.9f, 0.05f, 0.05f}, "a.jpg");
        acc.add(0, new float[] {0.2f, 0.7f, 0.1f}, "b.jpg");   // wrong, conf 0.7
        acc.add(0, new float[] {0.6f, 0.3f, 0.1f}, "c.jpg");
        acc.add(1, new float[] {0.1f, 0.8f, 0.1f}, "d.jpg");
        acc.add(1, new float[] {0.5f, 0.4f, 0.1f}, "e.jpg");   // wrong, conf 0.5
        acc.add(2, new float[] {0.3f, 0.3f, 0.4f}, "f.jpg");
        acc.add(2, new float[] {0.1f, 0.85f, 0.05f}, "g.jpg"); // wrong, conf 0.85
        acc.add(2, new float[] {0.2f, 0.2f, 0.6f}, "h.jpg");
        return acc;
    }

    @Test
    void handCheckedExample() {
        Metrics m = handExample(24).result();
        assertEquals(8, m.count());
        assertEquals(5.0 / 8, m.accuracy(), EPS);
        assertEquals(3, m.k());
        assertEquals(1.0, m.topKAccuracy(), EPS);
        assertArrayEquals(new int[] {2, 1, 0}, m.confusionMatrix()[0]);
        assertArrayEquals(new int[] {1, 1, 0}, m.confusionMatrix()[1]);
        assertArrayEquals(new int[] {0, 1, 2}, m.confusionMatrix()[2]);

        // precision = tp / column sum, recall = tp / row sum, f1 = harmonic mean
        double[] p = {2.0 / 3, 1.0 / 3, 1.0};
        double[] r = {2.0 / 3, 1.0 / 2, 2.0 / 3};
        double[] f = {2.0 / 3, 0.4, 0.8};
        int[] support = {3, 2, 3};
        for (int c = 0; c < 3; c++) {
            ClassStats s = m.perClass().get(c);
            assertEquals(p[c], s.precision(), EPS, "precision " + c);
            assertEquals(r[c], s.recall(), EPS, "recall " + c);
            assertEquals(f[c], s.f1(), EPS, "f1 " + c);
            assertEquals(support[c], s.support());
        }
        assertEquals(2.0 / 3, m.macroAverage().precision(), EPS);
        assertEquals(11.0 / 18, m.macroAverage().recall(), EPS);
        assertEquals(28.0 / 45, m.macroAverage().f1(), EPS);
        assertEquals(0.65, m.weightedAverage().f1(), EPS);

        List<ConfusedPair> mc = m.mostConfused();
        assertEquals(3, mc.size());
        assertEquals(new ConfusedPair(0, 1, "cat", "dog", 1), mc.get(0));
        assertEquals(new ConfusedPair(1, 0, "dog", "cat", 1), mc.get(1));
        assertEquals(new ConfusedPair(2, 1, "fox", "dog", 1), mc.get(2));

        List<Mistake> w = m.worstMistakes();
        assertEquals(List.of("g.jpg", "b.jpg", "e.jpg"), w.stream().map(Mistake::source).toList());
        assertEquals(0.85, w.get(0).confidence(), 1e-6); // probabilities are used as given
        assertEquals(0.05, w.get(0).trueProbability(), 1e-6);
    }

    @Test
    void keepsOnlyTheWorstMistakes() {
        List<Mistake> w = handExample(2).result().worstMistakes();
        assertEquals(List.of("g.jpg", "b.jpg"), w.stream().map(Mistake::source).toList());
        assertEquals(List.of(), handExample(0).result().worstMistakes());
    }

    @Test
    void mostConfusedSortsByCount() {
        MetricsAccumulator acc = new MetricsAccumulator(List.of("a", "b", "c"));
        acc.add(0, new float[] {0, 0, 5}, null);
        acc.add(1, new float[] {5, 0, 0}, null);
        acc.add(1, new float[] {5, 0, 0}, null);
        acc.add(2, new float[] {0, 5, 0}, null);
        acc.add(1, new float[] {5, 0, 0}, null);
        List<ConfusedPair> mc = acc.result().mostConfused();
        assertEquals(List.of(3, 1, 1), mc.stream().map(ConfusedPair::count).toList());
        assertEquals("b", mc.get(0).trueClass());
        assertEquals("a", mc.get(0).predictedClass());
        assertEquals("a", mc.get(1).trueClass());
    }

    @Test
    void topFiveBreaksTiesLikeArgmax() {
        List<String> six = List.of("a", "b", "c", "d", "e", "f");
        MetricsAccumulator acc = new MetricsAccumulator(six);
        acc.add(4, new float[6], null); // all tied: rank 4 -> inside top 5
        acc.add(5, new float[6], null); // all tied: rank 5 -> outside
        acc.add(5, new float[] {6, 5, 4, 3, 2, 1}, null); // lowest score: outside
        acc.add(4, new float[] {6, 5, 4, 3, 2, 1}, null); // fifth best: inside
        Metrics m = acc.result();
        assertEquals(5, m.k());
        assertEquals(0.5, m.topKAccuracy(), EPS);
        assertEquals(0, m.correct()); // ties go to index 0, as torch.argmax
        assertEquals(4, m.confusionMatrix()[4][0] + m.confusionMatrix()[5][0]);
    }

    @Test
    void classWithoutSamplesOrPredictionsScoresZero() {
        MetricsAccumulator acc = new MetricsAccumulator(List.of("a", "b", "c"));
        acc.add(0, new float[] {1, 0, 0}, null);
        acc.add(1, new float[] {1, 0, 0}, null);
        Metrics m = acc.result();
        assertEquals(new ClassStats("b", 0, 0, 0, 1), m.perClass().get(1));
        assertEquals(new ClassStats("c", 0, 0, 0, 0), m.perClass().get(2));
        assertEquals(0.5, m.perClass().get(0).precision(), EPS);
        assertEquals((2.0 / 3) / 3, m.macroAverage().f1(), EPS);
    }

    @Test
    void logitsGoThroughSoftmaxForConfidence() {
        MetricsAccumulator acc = new MetricsAccumulator(List.of("a", "b"));
        acc.add(0, new float[] {0f, 2f}, "x");
        Mistake w = acc.result().worstMistakes().get(0);
        assertEquals(1 / (1 + Math.exp(-2)), w.confidence(), 1e-12);
        assertEquals(1 / (1 + Math.exp(2)), w.trueProbability(), 1e-12);
    }

    @Test
    void userErrorsNameTheProblem() {
        MetricsAccumulator acc = new MetricsAccumulator(List.of("a", "b"));
        GraftException e = assertThrows(GraftException.class,
                () -> acc.add(0, new float[3], "img.png"));
        assertTrue(e.getMessage().contains("expected 2 scores"), e.getMessage());
        assertTrue(e.getMessage().contains("img.png"), e.getMessage());
        assertThrows(GraftException.class, () -> acc.add(2, new float[2], null));
        assertThrows(GraftException.class, () -> acc.add(0, new float[] {Float.NaN, 0}, null));
        assertThrows(GraftException.class, () -> new MetricsAccumulator(List.of()));
    }

    @Test
    void emptyMetricsHaveNullAccuracyInJson() {
        JsonObject o = new MetricsAccumulator(List.of("a", "b")).result().toJsonObject();
        assertTrue(o.get("accuracy").isJsonNull());
        assertEquals(0, o.get("count").getAsInt());
    }

    @Test
    void jsonHasTheDocumentedKeys() {
        JsonObject o = JsonParser.parseString(handExample(24).result().toJson()).getAsJsonObject();
        assertEquals(0.625, o.get("accuracy").getAsDouble(), EPS);
        // 3 classes: top-3 is always right, so there is no top-k to show (issue 16)
        assertTrue(!o.has("top5") && !o.has("top_k"), o.toString());
        assertTrue(!handExample(24).result().formatReport().contains("top-"));
        JsonArray pc = o.getAsJsonArray("per_class");
        assertEquals(3, pc.size());
        JsonObject dog = pc.get(1).getAsJsonObject();
        assertEquals("dog", dog.get("class").getAsString());
        assertEquals(1.0 / 3, dog.get("precision").getAsDouble(), EPS);
        assertEquals(0.5, dog.get("recall").getAsDouble(), EPS);
        assertEquals(0.4, dog.get("f1").getAsDouble(), EPS);
        assertEquals(2, dog.get("support").getAsInt());
        assertEquals(2, o.getAsJsonArray("confusion_matrix").get(2).getAsJsonArray().get(2)
                .getAsInt());
        JsonObject first = o.getAsJsonArray("most_confused").get(0).getAsJsonObject();
        assertEquals("cat", first.get("true").getAsString());
        assertEquals("dog", first.get("predicted").getAsString());
        assertEquals(1, first.get("count").getAsInt());
        assertEquals("g.jpg", o.getAsJsonArray("worst_mistakes").get(0).getAsJsonObject()
                .get("source").getAsString());
        assertTrue(handExample(24).result().formatReport().contains("macro avg"));
    }

    /** 200 random samples, 7 classes; expected numbers computed with numpy/torch. */
    @Test
    void matchesPythonOnRandomSamples() throws IOException {
        JsonObject fx;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/metrics/random200.json")) {
            fx = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
        List<String> classes = new ArrayList<>();
        fx.getAsJsonArray("classes").forEach(e -> classes.add(e.getAsString()));
        JsonArray labels = fx.getAsJsonArray("labels");
        JsonArray logits = fx.getAsJsonArray("logits");
        MetricsAccumulator acc = new MetricsAccumulator(classes,
                fx.get("keep_mistakes").getAsInt());
        for (int i = 0; i < labels.size(); i++) {
            JsonArray row = logits.get(i).getAsJsonArray();
            float[] s = new float[row.size()];
            for (int j = 0; j < s.length; j++) s[j] = row.get(j).getAsFloat();
            acc.add(labels.get(i).getAsInt(), s, "sample_" + i);
        }
        Metrics m = acc.result();
        JsonObject ex = fx.getAsJsonObject("expected");
        assertEquals(ex.get("accuracy").getAsDouble(), m.accuracy(), EPS);
        assertEquals(ex.get("top5").getAsDouble(), m.topKAccuracy(), EPS);
        assertEquals(ex.get("top_k").getAsInt(), m.k());
        for (int c = 0; c < classes.size(); c++) {
            ClassStats s = m.perClass().get(c);
            assertEquals(ex.getAsJsonArray("precision").get(c).getAsDouble(), s.precision(), EPS);
            assertEquals(ex.getAsJsonArray("recall").get(c).getAsDouble(), s.recall(), EPS);
            assertEquals(ex.getAsJsonArray("f1").get(c).getAsDouble(), s.f1(), EPS);
            assertEquals(ex.getAsJsonArray("support").get(c).getAsInt(), s.support());
            JsonArray row = ex.getAsJsonArray("confusion_matrix").get(c).getAsJsonArray();
            for (int j = 0; j < classes.size(); j++) {
                assertEquals(row.get(j).getAsInt(), m.confusionMatrix()[c][j], "cm " + c + "," + j);
            }
        }
        assertEquals(0, m.perClass().get(6).precision()); // never predicted: zero division
        assertEquals(ex.get("macro_precision").getAsDouble(), m.macroAverage().precision(), EPS);
        assertEquals(ex.get("macro_recall").getAsDouble(), m.macroAverage().recall(), EPS);
        assertEquals(ex.get("macro_f1").getAsDouble(), m.macroAverage().f1(), EPS);
        assertEquals(ex.get("weighted_f1").getAsDouble(), m.weightedAverage().f1(), EPS);

        JsonArray mc = ex.getAsJsonArray("most_confused");
        assertEquals(mc.size(), m.mostConfused().size());
        for (int i = 0; i < mc.size(); i++) {
            JsonArray e = mc.get(i).getAsJsonArray();
            ConfusedPair p = m.mostConfused().get(i);
            assertEquals(e.get(0).getAsInt(), p.trueLabel(), "pair " + i);
            assertEquals(e.get(1).getAsInt(), p.predictedLabel(), "pair " + i);
            assertEquals(e.get(2).getAsInt(), p.count(), "pair " + i);
        }
        JsonArray wm = ex.getAsJsonArray("worst_mistakes");
        assertEquals(wm.size(), m.worstMistakes().size());
        for (int i = 0; i < wm.size(); i++) {
            JsonArray e = wm.get(i).getAsJsonArray();
            assertEquals(e.get(0).getAsString(), m.worstMistakes().get(i).source());
            assertEquals(e.get(1).getAsDouble(), m.worstMistakes().get(i).confidence(), 1e-6);
        }
    }
}
