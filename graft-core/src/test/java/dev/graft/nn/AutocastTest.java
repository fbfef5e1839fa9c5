package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.graft.models.ImageModel;
import dev.graft.models.Zoo;
import dev.graft.train.loss.CrossEntropyLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mixed-precision bfloat16 training computes what float32 does to about two significant
 * digits: the loss within 2e-2, every weight's gradient float32, and the whole gradient
 * pointing the same way (cosine similarity above 0.99 to float32's). BatchNorm runs on its
 * running statistics, as fine-tuning does by default: through batch statistics of a few
 * 64 px images a deep network's gradient is ill-conditioned even in float32.
 */
class AutocastTest {
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "mobilenet_v3_small", "efficientnet_b0"})
    void gradientsCloseToFloat32(String arch) {
        dev.graft.nn.Rng.manualSeed(arch.hashCode()); // the initialisation, whatever ran before on this thread
        try (ImageModel model = Zoo.get(arch).build(10); NDManager data = Engine.newScope()) {
            model.eval();
            java.util.Random r = new java.util.Random(arch.hashCode());
            for (Module m : model.namedModules().values()) {
                if (m instanceof BatchNorm2d bn) { // non-trivial statistics, as a trained network has
                    FusionTest.randomize(bn.weight().array(), r, 0.5, 1.5);
                    FusionTest.randomize(bn.bias().array(), r, -0.2, 0.2);
                    FusionTest.randomize(bn.runningMean(), r, -0.3, 0.3);
                    FusionTest.randomize(bn.runningVar(), r, 0.5, 2.0);
                }
            }
            NDArray x = dev.graft.testutil.SeededInputs.normal(data, 1601, new Shape(4, 3, 64, 64));
            int[] labels = {1, 3, 5, 7};
            Map<String, float[]> fp32 = new LinkedHashMap<>(), bf16 = new LinkedHashMap<>();
            double lossFp32 = step(model, x, labels, false, fp32), lossBf16 = step(model, x, labels, true, bf16);
            assertTrue(Math.abs(lossBf16 - lossFp32) < 2e-2 * Math.abs(lossFp32), arch + " loss " + lossBf16 + " vs " + lossFp32);
            double dot = 0, a = 0, b = 0;
            for (String name : fp32.keySet()) {
                float[] u = bf16.get(name), v = fp32.get(name);
                for (int i = 0; i < v.length; i++) {
                    dot += (double) u[i] * v[i];
                    a += (double) u[i] * u[i];
                    b += (double) v[i] * v[i];
                }
            }
            double cosine = dot / Math.sqrt(a * b);
            System.out.printf("autocast %s: loss %.5f vs %.5f, gradient cosine similarity %.5f%n", arch, lossBf16,
                    lossFp32, cosine);
            assertTrue(cosine > 0.99, arch + " gradient cosine similarity " + cosine);
        }
    }

    private static double step(ImageModel model, NDArray x, int[] labels, boolean bf16, Map<String, float[]> grads) {
        for (Parameter p : model.trainableParameters()) p.zeroGrad();
        double loss;
        try (NDManager scope = Engine.newScope();
             GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector();
             Autocast autocast = Autocast.bfloat16(bf16)) {
            x.tempAttach(scope);
            NDArray logits = model.forward(x);
            assertEquals(DataType.FLOAT32, logits.getDataType(), "logits leave the model as float32");
            NDArray l = new CrossEntropyLoss().compute(logits, labels);
            loss = l.getFloat();
            gc.backward(l);
        }
        assertTrue(!Autocast.active(), "the region ends when closed");
        model.namedParameters().forEach((name, p) -> {
            try (NDArray g = p.gradient()) {
                assertEquals(DataType.FLOAT32, g.getDataType(), name + " gradient is float32");
                grads.put(name, g.toFloatArray());
            }
        });
        return loss;
    }
}
