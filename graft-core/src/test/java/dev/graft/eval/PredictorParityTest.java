package dev.graft.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import dev.graft.models.Pretrained;
import dev.graft.models.Zoo;
import dev.graft.testutil.ModelFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole inference path against torchvision: PNG files decoded, resized, cropped and
 * normalised by Graft's preset, weights read from the zip and legacy files torch.save wrote,
 * logits within 1e-4 of torchvision's (relative to the largest), same top-5.
 */
class PredictorParityTest {
    @Test
    void pngThroughPresetMatchesTorchvision(@TempDir Path tmp) throws Exception {
        String arch = "resnet18";
        Path dir = ModelFixtures.forArch(arch);
        Map<String, TensorData> expected = ModelFixtures.expected(arch);
        List<Path> images = new ArrayList<>();
        for (int k = 0; k < 3; k++) images.add(dir.resolve(arch + "-img" + k + ".png"));
        Path broken = Files.write(tmp.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
        images.add(broken);
        for (String file : new String[] {arch + ".pth", arch + "-legacy.pth"}) {
            Pretrained.Loaded loaded = Pretrained.load(arch, dir.resolve(file).toString(), null, false, m -> {});
            var preset = Zoo.get(arch).defaultWeights().preset();
            List<Predictor.Prediction> out = new Predictor(loaded.model(), Zoo.imagenetClasses(), preset, 2)
                    .predict(images, 5, true);
            for (int k = 0; k < 3; k++) {
                float[] want = expected.get("logits" + k).toFloats();
                float[] got = out.get(k).logits();
                assertNull(out.get(k).error());
                double err = ModelFixtures.relativeError(got, want);
                assertTrue(err < 1e-4, file + " image " + k + ": relative error " + err);
                int[] top5 = ModelFixtures.topk(want, 0, 1000, 5);
                assertArrayEquals(top5, out.get(k).top().stream().mapToInt(Predictor.Scored::index).toArray());
                assertEquals(Zoo.imagenetClasses().get(top5[0]), out.get(k).top().get(0).label());
            }
            assertNotNull(out.get(3).error(), "a broken file gets an error entry");
            loaded.model().close();
        }
    }
}
