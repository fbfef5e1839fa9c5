package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.loss.Loss;
import dev.graft.train.loss.NLLLoss;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Loss values and their gradients against torch.nn.functional (weights, label smoothing, NLL). */
class LossParityTest {

    static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsFloat();
        return out;
    }

    @Test
    void valuesAndGradientsMatchTorch() throws Exception {
        JsonObject f = JsonParser.parseString(Files.readString(TrainFixtures.DIR.resolve("losses.json"))).getAsJsonObject();
        float[] logits = floats(f.getAsJsonArray("logits")), w = floats(f.getAsJsonArray("weight"));
        JsonArray l = f.getAsJsonArray("labels");
        int[] labels = new int[l.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = l.get(i).getAsInt();
        check(f, "ce", new CrossEntropyLoss(), logits, labels, false);
        check(f, "ce_weight", new CrossEntropyLoss(w, 0), logits, labels, false);
        check(f, "ce_smooth", new CrossEntropyLoss(null, 0.2), logits, labels, false);
        check(f, "ce_weight_smooth", new CrossEntropyLoss(w, 0.1), logits, labels, false);
        check(f, "nll", new NLLLoss(), logits, labels, true);
        check(f, "nll_weight", new NLLLoss(w), logits, labels, true);
    }

    private static void check(JsonObject f, String name, Loss loss, float[] logits, int[] labels, boolean logSoftmax) {
        JsonObject want = f.getAsJsonObject(name);
        float[] wantGrad = floats(want.getAsJsonArray("grad"));
        try (NDManager scope = Engine.newScope()) {
            NDArray x = scope.create(logits, new Shape(labels.length, logits.length / labels.length));
            x.setRequiresGradient(true);
            float value;
            try (GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = loss.compute(logSoftmax ? x.logSoftmax(1) : x, labels);
                value = out.getFloat();
                gc.backward(out);
            }
            assertEquals(want.get("value").getAsDouble(), value, 1e-6 * Math.abs(value), name + " value");
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < grad.length; i++) assertEquals(wantGrad[i], grad[i], 1e-6, name + " grad " + i);
        }
    }

    @Test
    void badLabelsAndWeightsAreOneSentenceErrors() {
        try (NDManager scope = Engine.newScope()) {
            NDArray x = scope.zeros(new Shape(2, 3));
            var e = assertThrows(GraftException.class, () -> new CrossEntropyLoss().compute(x, new int[] {0, 3}));
            assertEquals("label 3 is out of range for 3 classes", e.getMessage());
            assertThrows(GraftException.class, () -> new CrossEntropyLoss(new float[] {1, 2}, 0).compute(x, new int[] {0, 1}));
        }
    }
}
