package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.io.Safetensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each layer against PyTorch 1.13 ({@code src/test/python/make_nn_fixtures.py}). */
class LayersParityTest {
    static Map<String, TensorData> fx;
    NDManager scope;

    @BeforeAll
    static void load() throws Exception {
        fx = Safetensors.read(Path.of("src/test/resources/fixtures/nn/layers.safetensors"));
    }

    @BeforeEach
    void open() { scope = Engine.newScope(); }

    @AfterEach
    void close() { scope.close(); }

    NDArray x() { return Tensors.fromData(fx.get("x"), scope); }

    static Map<String, TensorData> sub(String prefix, String... keys) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        for (String k : keys) m.put(k, fx.get(prefix + k));
        return m;
    }

    static void assertClose(String key, NDArray got, double tol) {
        float[] want = fx.get(key).toFloats();
        float[] g = got.toFloatArray();
        assertEquals(want.length, g.length, key);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - g[i]) <= tol * (1 + Math.abs(want[i])), key + "[" + i + "] " + g[i] + " vs " + want[i]);
        }
    }

    @Test
    void convWithGroupsDilationStride() {
        Conv2d conv = new Conv2d(4, 6, 3, 2, 2, 2, 2, true);
        conv.loadStateDict(sub("conv.", "weight", "bias"), true);
        assertClose("conv.out", conv.forward(x()), 1e-5);
    }

    @Test
    void batchNormEvalAndTrainUpdatesRunningStatistics() {
        BatchNorm2d bn = new BatchNorm2d(4, 1e-3, 0.01);
        bn.loadStateDict(sub("bn.", "weight", "bias", "running_mean", "running_var"), false);
        bn.eval();
        assertClose("bn.eval_out", bn.forward(x()), 1e-5);
        bn.train();
        assertClose("bn.train_out1", bn.forward(x()), 1e-5);
        assertClose("bn.train_out2", bn.forward(x().mul(2).add(1)), 1e-5);
        assertClose("bn.running_mean_after", bn.runningMean(), 1e-6);
        assertClose("bn.running_var_after", bn.runningVar(), 1e-6);
        assertEquals(2L, bn.stateDict().get("num_batches_tracked").buffer().getLong(0));
    }

    @Test
    void frozenStatisticsBatchNormBehavesAsEvalWhileTraining() {
        BatchNorm2d bn = new BatchNorm2d(4, 1e-3, 0.01);
        bn.loadStateDict(sub("bn.", "weight", "bias", "running_mean", "running_var"), false);
        bn.setFrozenStatistics(true);
        bn.train();
        assertClose("bn.eval_out", bn.forward(x()), 1e-5);
        assertClose("bn.running_mean", bn.runningMean(), 0);
    }

    @Test
    void poolsAndActivations() {
        assertClose("maxpool.out", new MaxPool2d(3, 2, 1, true).forward(x()), 1e-6);
        assertClose("avgpool.out", new AvgPool2d(3, 2, 1).forward(x()), 1e-6);
        assertClose("adaptive.out", new AdaptiveAvgPool2d(3, 7).forward(x()), 1e-6);
        assertClose("relu6.out", new ReLU6().forward(x().mul(4)), 1e-6);
        assertClose("hardswish.out", new Hardswish().forward(x().mul(4)), 1e-6);
        assertClose("hardsigmoid.out", new Hardsigmoid().forward(x().mul(4)), 1e-6);
        assertClose("silu.out", new SiLU().forward(x()), 1e-6);
        assertClose("sigmoid.out", new Sigmoid().forward(x()), 1e-6);
    }

    @Test
    void linearOnFlattened() {
        Linear lin = new Linear(4 * 9 * 11, 5);
        lin.loadStateDict(sub("linear.", "weight", "bias"), true);
        assertClose("linear.out", lin.forward(new Flatten().forward(x())), 1e-5);
    }

    @Test
    void gradientsMatchAutograd() {
        Conv2d conv = new Conv2d(4, 3, 3, 1, 1, false);
        conv.loadStateDict(Map.of("weight", fx.get("g.conv.weight")), true);
        BatchNorm2d bn = new BatchNorm2d(3);
        Linear lin = new Linear(3, 2);
        lin.loadStateDict(Map.of("weight", fx.get("g.lin.weight"), "bias", fx.get("g.lin.bias")), true);
        Sequential net = new Sequential(conv, bn, new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), lin);
        net.train();
        try (GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray y = net.forward(x());
            NDArray loss = y.mul(y).sum().div(2);
            gc.backward(loss);
            assertClose("g.loss", loss.reshape(1), 1e-5);
        }
        try (NDArray g1 = conv.weight().gradient(); NDArray g2 = bn.weight().gradient();
             NDArray g3 = lin.weight().gradient()) {
            assertClose("g.conv.weight.grad", g1, 1e-4);
            assertClose("g.bn.weight.grad", g2, 1e-4);
            assertClose("g.lin.weight.grad", g3, 1e-4);
        }
        conv.weight().zeroGrad();
        try (NDArray g = conv.weight().gradient()) {
            assertEquals(0f, g.abs().max().getFloat());
        }
    }

    @Test
    void loadStateDictNamesEveryProblem() {
        Sequential net = new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4));
        Map<String, TensorData> bad = new LinkedHashMap<>(net.stateDict());
        bad.remove("1.running_var");
        bad.put("0.weight", TensorData.ofFloats(new long[] {4, 3, 1, 1}, new float[12]));
        bad.put("2.weight", TensorData.ofFloats(new long[] {1}, new float[1]));
        GraftException e = assertThrows(GraftException.class, () -> net.loadStateDict(bad, true));
        assertTrue(e.getMessage().contains("1 shape mismatch: 0.weight [4, 3, 1, 1] where [4, 3, 3, 3] is expected"), e.getMessage());
        assertTrue(e.getMessage().contains("missing 1 key: 1.running_var"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected 1 key: 2.weight"), e.getMessage());
    }

    @Test
    void missingNumBatchesTrackedIsFilledWithZero() {
        BatchNorm2d bn = new BatchNorm2d(4);
        bn.train();
        bn.forward(scope.ones(new ai.djl.ndarray.types.Shape(2, 4, 3, 3)));
        Map<String, TensorData> old = new LinkedHashMap<>(bn.stateDict());
        old.remove("num_batches_tracked");
        bn.loadStateDict(old, true);
        assertEquals(0L, bn.stateDict().get("num_batches_tracked").buffer().getLong(0));
    }

    @Test
    void freezeReplaceAndLookupByPath() {
        Sequential net = new Sequential(new Conv2d(3, 4, 3), new Sequential(new ReLU(), new Linear(4, 2)));
        net.freeze("");
        net.unfreeze("1.1");
        assertEquals(10, net.trainableParameterCount());
        net.replace("1.1", new Linear(4, 7));
        assertEquals(35, ((Linear) net.get("1.1")).weight().numel() + ((Linear) net.get("1.1")).bias().numel());
        assertEquals(4 * 3 * 9 + 4 + 35, net.parameterCount());
        assertThrows(GraftException.class, () -> net.get("1.5"));
    }
}
