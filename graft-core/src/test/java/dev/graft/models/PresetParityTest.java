package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.eval.Predictor;
import dev.graft.io.TensorData;
import dev.graft.testutil.ModelFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PNG files through the zoo's own preset of the default weights, as {@code graft predict}
 * applies it without being told: EfficientNet-B0's bicubic resize and MobileNetV3-Large's
 * V2 resize to 232; logits within 1e-4 of torchvision's, same top-5.
 */
class PresetParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"efficientnet_b0", "mobilenet_v3_large"})
    void pngThroughZooPresetMatchesTorchvision(String arch) throws Exception {
        Path dir = ModelFixtures.forArch(arch);
        Map<String, TensorData> expected = ModelFixtures.expected(arch);
        WeightsSpec weights = Zoo.get(arch).defaultWeights();
        assertEquals(arch.equals("efficientnet_b0") ? "256/224 bicubic" : "232/224 bilinear", weights.presetDescription());
        List<Path> images = new ArrayList<>();
        for (int k = 0; k < 3; k++) images.add(dir.resolve(arch + "-img" + k + ".png"));
        try (ImageModel model = Pretrained.load(arch, dir.resolve(arch + ".pth").toString(), null, false, m -> {}).model()) {
            var out = new Predictor(model, Zoo.imagenetClasses(), weights.preset(), 1).predict(images, 5, true);
            for (int k = 0; k < 3; k++) {
                float[] want = expected.get("logits" + k).toFloats();
                double err = ModelFixtures.relativeError(out.get(k).logits(), want);
                System.out.printf("preset parity %s image %d relative error %.2e%n", arch, k, err);
                assertTrue(err < 1e-4, arch + " image " + k + ": relative error " + err);
                assertArrayEquals(ModelFixtures.topk(want, 0, 1000, 5),
                        out.get(k).top().stream().mapToInt(Predictor.Scored::index).toArray());
            }
        }
    }
}
