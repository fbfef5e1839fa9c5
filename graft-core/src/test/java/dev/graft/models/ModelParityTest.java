package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.graft.io.TensorData;
import dev.graft.io.TorchFiles;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Dropout;
import dev.graft.nn.Engine;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import dev.graft.nn.StochasticDepth;
import dev.graft.nn.Tensors;
import dev.graft.testutil.ModelFixtures;
import dev.graft.train.loss.CrossEntropyLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture against torchvision: torchvision's random init with non-trivial
 * BatchNorm statistics, loaded from the files torch.save wrote (zip and legacy format); eval logits at 224 px (through
 * the default weights' preset, applied by torchvision) and 64 px, and a train-mode forward
 * (batch statistics, dropout and stochastic depth off), within 1e-4 of the largest logit,
 * with the same top-5, and the gradients of a loss through the whole network. Also the state-dict keys in torchvision's order, the parameter count,
 * and the running variance the train step leaves (BatchNorm momentum per family).
 */
class ModelParityTest {
    static final double TOLERANCE = 1e-4;
    static final int[] GRAD_LABELS = {3, 7}; // as in make_model_fixtures.py
    static final String[] ARCHS = {"resnet18", "resnet34", "resnet50", "vgg16", "vgg16_bn", "densenet121",
        "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "efficientnet_b0"};

    static String[] archs() { return ARCHS; }

    @BeforeAll
    static void fixtures() throws Exception {
        ModelFixtures.prepare(ARCHS);
    }

    @ParameterizedTest
    @MethodSource("archs")
    void logitsMatchTorchvision(String arch) throws Exception {
        Path dir = ModelFixtures.forArch(arch);
        Map<String, TensorData> expected = ModelFixtures.expected(arch);
        ModelSpec spec = Zoo.get(arch);
        try (ImageModel model = spec.build(1000)) {
            assertEquals(expected.get("num_params").buffer().getLong(0), model.parameterCount(), "torchvision's parameter count");
            assertEquals(spec.parameters(), model.parameterCount(), "parameter count in the zoo");
            ZooTest.assertGroupsPartitionParameters(spec, model);
            ZooTest.assertStochasticDepthAsTorchvision(arch, model);
            Map<String, TensorData> state = TorchFiles.read(dir.resolve(arch + ".pth"));
            assertEquals(new ArrayList<>(state.keySet()), new ArrayList<>(model.stateDict().keySet()), "state-dict keys");
            // the legacy file holds the very same tensors, so the logits below hold for both formats
            assertEquals(state, TorchFiles.read(dir.resolve(arch + "-legacy.pth")), "legacy format reads the same");
            model.loadStateDict(state, true);
            state = null;
            checkGradients(model, expected, arch); // before the train-mode forward updates the running statistics
            model.freeze(""); // no autograd graph: the forward numbers are the same, the test is faster
            checkForward(model, expected, arch);
        }
    }

    /**
     * The published DenseNet file is legacy format with pre-0.4 key names and no
     * num_batches_tracked; the fixture is made the same way, and loads as the CLI loads it.
     */
    @Test
    void densenetLoadsPublishedStyleFile() throws Exception {
        Path file = ModelFixtures.forArch("densenet121").resolve("densenet121-oldkeys-legacy.pth");
        Map<String, TensorData> old = TorchFiles.read(file);
        assertTrue(old.containsKey("features.denseblock1.denselayer1.norm.1.weight"), "fixture has old keys");
        assertTrue(old.keySet().stream().noneMatch(k -> k.endsWith("num_batches_tracked")));
        assertEquals("features.denseblock1.denselayer1.norm1.weight",
                DenseNet.remapLegacyKeys(Map.of("features.denseblock1.denselayer1.norm.1.weight", old.get(
                        "features.denseblock1.denselayer1.norm.1.weight"))).keySet().iterator().next());
        Map<String, TensorData> expected = ModelFixtures.expected("densenet121");
        try (ImageModel model = Pretrained.load("densenet121", file.toString(), null, false, m -> {}).model()) {
            model.eval();
            try (NDManager scope = Engine.newScope()) {
                float[] got = model.forward(Tensors.fromData(expected.get("input0"), scope)).toFloatArray();
                assertClose(got, expected.get("logits0").toFloats(), "densenet121 from old keys, legacy format");
            }
        }
    }

    static void checkForward(ImageModel model, Map<String, TensorData> expected, String arch) {
        model.eval();
        try (NDManager scope = Engine.newScope()) {
            for (int k = 0; k < 3; k++) {
                float[] got = model.forward(Tensors.fromData(expected.get("input" + k), scope)).toFloatArray();
                float[] want = expected.get("logits" + k).toFloats();
                assertClose(got, want, arch + " image " + k);
                assertArrayEquals(ModelFixtures.topk(want, 0, 1000, 5), ModelFixtures.topk(got, 0, 1000, 5),
                        arch + " image " + k + " top-5");
            }
            var small = Tensors.fromData(expected.get("small_input"), scope);
            assertClose(model.forward(small).toFloatArray(), expected.get("small_logits").toFloats(), arch + " 64px");

            trainWithoutNoise(model);
            assertClose(model.forward(small).toFloatArray(), expected.get("train_logits").toFloats(),
                    arch + " train mode");
            for (var e : expected.entrySet()) {
                if (!e.getKey().startsWith("train_running_var.")) continue;
                BatchNorm2d bn = (BatchNorm2d) model.get(e.getKey().substring("train_running_var.".length()));
                assertClose(bn.runningVar().toFloatArray(), e.getValue().toFloats(), arch + " running_var after train step");
            }
        }
    }

    /**
     * Backward through the whole network: the gradients of a cross-entropy in eval mode (as
     * fine-tuning runs BatchNorm by default) for the first convolution and the classifier
     * weight, in both memory layouts. The classifier's is held to 1e-4; the first layer's to
     * 1e-2, as rounding that differs from PyTorch's (another layout, thread split or kernel)
     * can take the other side of a ReLU or max-pool near-tie on the way down, which moves
     * the first gradient by up to 1e-2 (PyTorch's own channels-last against its NCHW shows
     * the same); a wrong backward is off by far more. Train-mode BatchNorm backward is checked
     * layer by layer in LayersParityTest: through batch statistics of batch 2 a deep network's
     * first gradient is ill-conditioned.
     */
    static void checkGradients(ImageModel model, Map<String, TensorData> expected, String arch) {
        model.eval();
        for (boolean channelsLast : new boolean[] {false, true}) {
            model.setChannelsLast(channelsLast);
            for (Parameter p : model.trainableParameters()) p.zeroGrad();
            try (NDManager scope = Engine.newScope();
                 GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logits = model.forward(Tensors.fromData(expected.get("small_input"), scope));
                gc.backward(new CrossEntropyLoss().compute(logits, GRAD_LABELS));
            }
            List<String> names = new ArrayList<>(model.namedParameters().keySet());
            for (String name : List.of(names.get(0), names.get(names.size() - 2))) {
                try (NDArray g = model.namedParameters().get(name).gradient()) {
                    double tolerance = name.equals(names.get(0)) ? 1e-2 : TOLERANCE;
                    assertClose(g.toFloatArray(), expected.get("grad." + name).toFloats(),
                            arch + (channelsLast ? " channels-last" : "") + " gradient of " + name, tolerance);
                }
            }
        }
    }

    /** Training mode with dropout and stochastic depth off, as the fixture script runs torchvision. */
    static void trainWithoutNoise(Module model) {
        model.train();
        for (Module m : model.namedModules().values()) {
            if (m instanceof Dropout || m instanceof StochasticDepth) m.eval();
        }
    }

    static void assertClose(float[] got, float[] want, String what) { assertClose(got, want, what, TOLERANCE); }

    static void assertClose(float[] got, float[] want, String what, double tolerance) {
        assertEquals(want.length, got.length, what + " length");
        double err = ModelFixtures.relativeError(got, want);
        System.out.printf("parity %-40s relative error %.2e%n", what, err);
        assertTrue(err < tolerance, what + ": relative error " + err);
    }

}
