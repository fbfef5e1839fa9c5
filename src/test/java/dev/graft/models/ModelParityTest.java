package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.io.TensorData;
import dev.graft.nn.Engine;
import dev.graft.nn.Tensors;
import dev.graft.testutil.MiniSafetensors;
import dev.graft.testutil.ModelFixtures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every architecture against torchvision: torchvision's random init with non-trivial
 * BatchNorm statistics, loaded from the file PyTorch wrote; eval logits at 224 px (preset
 * applied by torchvision) and 64 px, and a train-mode forward, within 1e-4 of the largest
 * logit, with the same top-5.
 */
class ModelParityTest {
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet34", "resnet50"})
    void logitsMatchTorchvision(String arch) throws Exception {
        Path dir = ModelFixtures.forArch(arch);
        Map<String, TensorData> expected = ModelFixtures.expected(arch);
        ModelSpec spec = Zoo.get(arch);
        try (ImageModel model = spec.build(1000)) {
            assertEquals(spec.parameters(), model.parameterCount(), "parameter count");
            model.loadStateDict(MiniSafetensors.read(dir.resolve(arch + ".safetensors")), true);
            model.eval();
            try (NDManager scope = Engine.newScope()) {
                for (int k = 0; k < 3; k++) {
                    float[] got = model.forward(Tensors.fromData(expected.get("input" + k), scope)).toFloatArray();
                    float[] want = expected.get("logits" + k).toFloats();
                    assertClose(got, want, arch + " image " + k);
                    assertArrayEquals(ModelFixtures.topk(want, 0, 1000, 5), ModelFixtures.topk(got, 0, 1000, 5));
                }
                var small = Tensors.fromData(expected.get("small_input"), scope);
                assertClose(model.forward(small).toFloatArray(), expected.get("small_logits").toFloats(), arch + " 64px");
                model.train();
                assertClose(model.forward(small).toFloatArray(), expected.get("train_logits").toFloats(),
                        arch + " train mode");
            }
        }
    }

    static void assertClose(float[] got, float[] want, String what) {
        assertEquals(want.length, got.length, what + " length");
        double err = ModelFixtures.relativeError(got, want);
        assertTrue(err < TOLERANCE, what + ": relative error " + err);
    }
}
