package dev.graft.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.graft.nn.Conv2d;
import dev.graft.nn.Engine;
import dev.graft.nn.ScriptOps;
import dev.graft.nn.Tensors;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Optimizer state is laid out in memory as its parameter is (a channels-last convolution weight
 * here), both when created and when loaded from a state dict, as in PyTorch: mixed layouts
 * would make every element-wise update a slow strided loop.
 */
class StateLayoutTest {
    static final ScriptOps.Function STRIDES = new ScriptOps.Function("test_strides", "x: Tensor", "List[Tensor]",
            "return [torch.tensor(x.stride())]");

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam"})
    void stateFollowsTheParameterLayout(String kind) {
        Function<List<ParamGroup>, Optimizer> make = g -> kind.equals("sgd")
                ? new SGD(g, 0.1, 0.9) : new Adam(g, 1e-3, 0.9, 0.999, 1e-8, 0, true);
        try (Conv2d conv = new Conv2d(4, 6, 3, 1, 1, false); NDManager scope = Engine.newScope()) {
            Optimizer opt = make.apply(Optimizer.single(conv.namedParameters()));
            try (GradientCollector gc = Engine.gradients()) {
                float[] x = new float[2 * 4 * 5 * 5];
                for (int i = 0; i < x.length; i++) x[i] = (i % 7) - 3;
                gc.backward(conv.forward(Tensors.channelsLast(Engine.array(scope, x, new long[] {2, 4, 5, 5}))).sum());
            }
            opt.step();
            long[] param = strides(conv.weight().array(), scope);
            assertArrayEquals(new long[] {36, 1, 12, 4}, param); // channels-last [O, I, kH, kW]
            Optimizer resumed = make.apply(Optimizer.single(conv.namedParameters()));
            resumed.loadStateDict(opt.stateDict());
            for (String key : opt.stateDict().tensors().keySet()) {
                String k = key.substring("weight.".length());
                assertArrayEquals(param, strides(opt.state("weight", k), scope), "new " + k);
                assertArrayEquals(param, strides(resumed.state("weight", k), scope), "loaded " + k);
            }
        }
    }

    static long[] strides(NDArray x, NDManager scope) {
        return STRIDES.call(scope, x).get(0).toLongArray();
    }
}
