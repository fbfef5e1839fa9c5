package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.models.ImageModel;
import dev.graft.models.Zoo;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Folding BatchNorm into convolutions must not change what a model computes: with BatchNorm
 * statistics and affine weights set to random non-trivial values (fresh models have mean 0,
 * variance 1), the folded model's logits equal the unfolded ones within 1e-5 relative, every
 * conv-BN pair of the architecture is found, and closing restores the original layers
 * (same state-dict keys, bit-identical outputs).
 */
class FusionTest {
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet50", "densenet121", "mobilenet_v2", "mobilenet_v3_small",
            "efficientnet_b0", "vgg16_bn"})
    void foldedModelComputesTheSameLogits(String arch) {
        try (ImageModel model = Zoo.get(arch).build(10)) {
            Random r = new Random(arch.hashCode());
            int bns = 0;
            for (Module m : model.namedModules().values()) {
                if (m instanceof BatchNorm2d bn) {
                    bns++;
                    randomize(bn.weight().array(), r, 0.5, 1.5);
                    randomize(bn.bias().array(), r, -0.2, 0.2);
                    randomize(bn.runningMean(), r, -0.3, 0.3);
                    randomize(bn.runningVar(), r, 0.5, 2.0);
                }
            }
            model.eval();
            List<String> keys = List.copyOf(model.stateDict().keySet());
            int size = arch.startsWith("vgg") ? 32 : 64;
            try (NDManager scope = Engine.newScope()) {
                NDArray x = dev.graft.testutil.SeededInputs.normal(scope, 1601, new Shape(2, 3, size, size));
                float[] plain = model.forward(x).toFloatArray();
                float[] folded;
                try (Fusion.Folded f = Fusion.foldBatchNorm(model)) {
                    // DenseNet's norm1 follows a concatenation, not a convolution: it stays
                    int expected = arch.equals("densenet121") ? 1 + 58 : bns;
                    assertEquals(expected, f.pairs(), "conv+BN pairs folded");
                    folded = model.forward(x).toFloatArray();
                    model.train();
                    assertThrows(IllegalStateException.class, () -> model.forward(x));
                    model.eval();
                }
                double maxAbs = 0, maxDiff = 0;
                for (int i = 0; i < plain.length; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(plain[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(plain[i] - folded[i]));
                }
                System.out.printf("fusion %-20s relative error %.2e%n", arch, maxDiff / maxAbs);
                assertTrue(maxDiff / maxAbs <= 1e-5, arch + ": relative error " + maxDiff / maxAbs);
                assertEquals(keys, List.copyOf(model.stateDict().keySet()));
                assertArrayEquals(plain, model.forward(x).toFloatArray());
            }
        }
    }

    static void randomize(NDArray a, Random r, double lo, double hi) {
        float[] v = new float[(int) a.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        try (NDArray src = Engine.root().create(v, a.getShape())) {
            a.set(src.toByteBuffer());
        }
    }
}
