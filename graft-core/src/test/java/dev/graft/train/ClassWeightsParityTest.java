package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.GraftException;
import dev.graft.nn.Engine;
import dev.graft.train.loss.ClassWeights;
import dev.graft.train.loss.CrossEntropyLoss;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * {@code --class-weights balanced}: the weights of counts 48 / 5 / 12 and the weighted
 * cross-entropy (value and gradient, with and without label smoothing) against PyTorch's
 * {@code nn.CrossEntropyLoss(weight=...)} (fixture: src/test/python/make_class_weights_fixture.py).
 */
class ClassWeightsParityTest {
    @Test
    void balancedWeightsAndWeightedLossMatchTorch() throws Exception {
        JsonObject f = JsonParser.parseString(Files.readString(TrainFixtures.DIR.resolve("class_weights.json")))
                .getAsJsonObject();
        JsonArray c = f.getAsJsonArray("counts");
        int[] counts = new int[c.size()];
        for (int i = 0; i < counts.length; i++) counts[i] = c.get(i).getAsInt();
        float[] w = ClassWeights.BALANCED.weights(counts), want = LossParityTest.floats(f.getAsJsonArray("weight"));
        for (int i = 0; i < w.length; i++) assertEquals(want[i], w[i], 1e-6, "weight " + i);
        float[] logits = LossParityTest.floats(f.getAsJsonArray("logits"));
        JsonArray l = f.getAsJsonArray("labels");
        int[] labels = new int[l.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = l.get(i).getAsInt();
        check(f.getAsJsonObject("ce_balanced"), new CrossEntropyLoss().withWeight(w), logits, labels);
        check(f.getAsJsonObject("ce_balanced_smooth"), new CrossEntropyLoss(null, 0.1).withWeight(w), logits, labels);
    }

    @Test
    void noneGivesNoWeightsAndAnEmptyClassIsOneSentence() {
        assertNull(ClassWeights.NONE.weights(new int[] {3, 0}));
        GraftException e = assertThrows(GraftException.class, () -> ClassWeights.BALANCED.weights(new int[] {3, 0}));
        assertEquals(1, e.getMessage().split("\\. ").length, e.getMessage());
    }

    private static void check(JsonObject want, CrossEntropyLoss loss, float[] logits, int[] labels) {
        float[] wantGrad = LossParityTest.floats(want.getAsJsonArray("grad"));
        try (NDManager scope = Engine.newScope()) {
            NDArray x = scope.create(logits, new Shape(labels.length, logits.length / labels.length));
            x.setRequiresGradient(true);
            float value;
            try (GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = loss.compute(x, labels);
                value = out.getFloat();
                gc.backward(out);
            }
            assertEquals(want.get("value").getAsDouble(), value, 1e-6 * Math.abs(value), "value");
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < grad.length; i++) assertEquals(wantGrad[i], grad[i], 1e-6, "grad " + i);
        }
    }
}
