package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.io.TensorData;
import dev.graft.nn.Engine;
import dev.graft.testutil.ModelFixtures;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bfloat16 inference keeps about three significant digits: logits within 3e-2 of float32
 * (relative to the largest), mostly the same top-1, and closing puts the float32 weights back
 * bit for bit, so training and saving are untouched.
 */
class Bfloat16InferenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "densenet121", "mobilenet_v3_small", "efficientnet_b0"})
    void closeToFloat32AndRestoresWeights(String arch) {
        try (ImageModel model = Zoo.get(arch).build(10); NDManager scope = Engine.newScope()) {
            model.eval();
            Map<String, TensorData> before = model.stateDict();
            NDArray x = dev.graft.testutil.SeededInputs.normal(scope, 1601, new Shape(8, 3, 64, 64));
            float[] fp32 = model.forward(x).toFloatArray();
            model.setBfloat16Inference(true);
            float[] bf16;
            try (ImageModel.Inference inference = ImageModel.inference(model)) {
                bf16 = model.forward(x).toFloatArray();
            }
            double err = ModelFixtures.relativeError(bf16, fp32);
            System.out.printf("bf16 %s relative logit error %.2e%n", arch, err);
            assertTrue(err > 0 && err < 3e-2, arch + " bf16 logits relative error " + err);
            int same = 0;
            for (int r = 0; r < 8; r++) if (argmax(bf16, r) == argmax(fp32, r)) same++;
            assertTrue(same >= 6, arch + ": bf16 top-1 agrees on " + same + " of 8");
            assertEquals(before, model.stateDict(), "float32 weights restored");
        }
    }

    private static int argmax(float[] v, int row) {
        int best = 0;
        for (int j = 1; j < 10; j++) if (v[row * 10 + j] > v[row * 10 + best]) best = j;
        return best;
    }
}
