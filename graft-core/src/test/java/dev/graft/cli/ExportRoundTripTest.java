package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.transforms.Preset;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Engine;
import dev.graft.nn.Rng;
import dev.graft.testutil.ModelFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft export --format pth}: the file loads with {@code torch.load} into the
 * torchvision model with {@code strict=True} and gives the same logits (Debian's PyTorch).
 */
class ExportRoundTripTest {
    static float[] input(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i * 0.37) * 1.5f;
        return x;
    }

    @Test
    void pthLoadsStrictlyIntoTorchvisionWithSameLogits(@TempDir Path tmp) throws Exception {
        dev.graft.testutil.Reference.require(ModelFixtures.torchAvailable(), "needs /usr/bin/python3 with torchvision");
        Rng.manualSeed(42);
        ImageModel model = Zoo.get("resnet18").build(3);
        Path run = tmp.resolve("run");
        SavedModel.write(run, model, "resnet18", List.of("a", "b", "c"), Preset.imagenetDefault(), HeadSpec.LINEAR, "none");
        // train-mode forwards change BatchNorm statistics, so the export must carry buffers too
        model.train();
        try (NDManager s = Engine.newScope()) {
            model.forward(s.create(input(2 * 3 * 64 * 64), new Shape(2, 3, 64, 64)));
        }
        SavedModel.write(run, model, "resnet18", List.of("a", "b", "c"), Preset.imagenetDefault(), HeadSpec.LINEAR, "none");
        Path pth = tmp.resolve("out.pth");
        assertEquals(0, Main.commandLine().execute("export", run.toString(), "--format", "pth", "--out", pth.toString()));

        model.eval();
        float[] want;
        try (NDManager s = Engine.newScope()) {
            want = model.forward(s.create(input(3 * 64 * 64), new Shape(1, 3, 64, 64))).toFloatArray();
        }
        String script = String.join("\n",
                "import math, sys, torch, torchvision",
                "m = torchvision.models.resnet18(num_classes=3)",
                "m.load_state_dict(torch.load(sys.argv[1]), strict=True)",
                "m.eval()",
                "x = torch.tensor([math.sin(i * 0.37) * 1.5 for i in range(3*64*64)], dtype=torch.float32).reshape(1,3,64,64)",
                "print(' '.join(repr(v) for v in m(x)[0].tolist()))");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, pth.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        String[] parts = out.split("\\s+");
        float[] got = new float[parts.length];
        for (int i = 0; i < parts.length; i++) got[i] = Float.parseFloat(parts[i]);
        assertEquals(3, got.length);
        double err = ModelFixtures.relativeError(got, want);
        assertTrue(err < 1e-5, "relative error " + err + ": " + out);
        model.close();
    }
}
