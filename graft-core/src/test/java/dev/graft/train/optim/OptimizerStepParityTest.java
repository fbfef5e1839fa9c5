package dev.graft.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.graft.io.Safetensors;
import dev.graft.io.TensorData;
import dev.graft.nn.Engine;
import dev.graft.nn.Linear;
import dev.graft.nn.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One optimizer alone against torch.optim (fixtures of {@code make_optim_fixtures.py}): a
 * linear layer's weight and bias take 6 steps with PyTorch's seeded gradients, the learning
 * rate halving after step 3. Since the update runs PyTorch's own operators in PyTorch's order,
 * the final parameters and the optimizer state must be the same floats, bit for bit (the
 * element-wise update used to differ by up to 905 units in the last place when it was composed
 * of DJL operators).
 */
class OptimizerStepParityTest {
    static final Map<String, TensorData> FX =
            Safetensors.read(Path.of("src/test/resources/fixtures/train/optim.safetensors"));
    static final int MAX_ULPS = 0;

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "sgd_nesterov", "sgd_dampening", "sgd_plain", "adam", "adam_amsgrad", "adamw"})
    void stepsAsTorchOptim(String name) {
        try (Linear lin = new Linear(29, 23)) {
            lin.loadStateDict(Map.of("weight", FX.get("init.weight"), "bias", FX.get("init.bias")), true);
            List<ParamGroup> groups = Optimizer.single(lin.namedParameters());
            Optimizer opt = switch (name) {
                case "sgd" -> new SGD(groups, 0.1, 0.9, 1e-4);
                case "sgd_nesterov" -> new SGD(groups, 0.05, 0.9, 0, 5e-4, true);
                case "sgd_dampening" -> new SGD(groups, 0.05, 0.8, 0.3, 0, false);
                case "sgd_plain" -> new SGD(groups, 0.3, 0, 1e-2);
                case "adam" -> new Adam(groups, 1e-2, 0.9, 0.999, 1e-8, 1e-4, false);
                case "adam_amsgrad" -> new Adam(groups, 5e-3, 0.8, 0.99, 1e-8, 0, true);
                case "adamw" -> new AdamW(groups, 1e-2);
                default -> throw new IllegalArgumentException(name);
            };
            for (int s = 0; s < 6; s++) {
                if (s == 3) opt.groups().get(0).setLr(opt.groups().get(0).lr() * 0.5);
                opt.zeroGrad();
                try (NDManager scope = Engine.newScope(); GradientCollector gc = Engine.gradients()) {
                    // d/dp sum(p * g) = g exactly
                    NDArray gw = Tensors.fromData(FX.get("grad" + s + ".weight"), scope);
                    NDArray gb = Tensors.fromData(FX.get("grad" + s + ".bias"), scope);
                    gc.backward(lin.weight().array().mul(gw).sum().add(lin.bias().array().mul(gb).sum()));
                }
                opt.step();
            }
            Map<String, TensorData> got = new TreeMap<>(), want = new TreeMap<>();
            lin.stateDict().forEach((k, v) -> got.put("final." + k, v));
            opt.stateDict().tensors().forEach((k, v) -> got.put("state." + k, v));
            FX.forEach((k, v) -> {
                if (k.startsWith(name + ".")) want.put(k.substring(name.length() + 1), v);
            });
            assertEquals(want.keySet(), got.keySet());
            int worst = 0;
            for (String k : want.keySet()) {
                int ulps = maxUlps(got.get(k).toFloats(), want.get(k).toFloats());
                worst = Math.max(worst, ulps);
                assertTrue(ulps <= MAX_ULPS, name + " " + k + ": " + ulps + " units in the last place apart");
            }
            System.out.printf("optimizer step parity %-14s max %d ulps%n", name, worst);
            // the parameters must have moved, or the comparison proves nothing
            assertTrue(maxUlps(FX.get("init.weight").toFloats(), want.get("final.weight").toFloats()) > 1000);
        }
    }

    /** The largest distance in representable floats between two arrays of finite numbers. */
    static int maxUlps(float[] got, float[] want) {
        int worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(ordered(got[i]) - ordered(want[i])));
        }
        return worst;
    }

    /** Float bits mapped to integers in the floats' order. */
    private static int ordered(float f) {
        int bits = Float.floatToIntBits(f);
        return bits < 0 ? -(bits & 0x7fffffff) : bits;
    }
}
