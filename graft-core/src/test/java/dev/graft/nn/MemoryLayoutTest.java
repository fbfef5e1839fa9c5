package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.io.TensorData;
import dev.graft.models.ImageModel;
import dev.graft.models.Zoo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Channels-last memory layout changes where values sit, never what they are: conversions keep
 * every value, a convolution weight kept channels-last reads, saves and reloads the same, and
 * a model gives the same logits in either layout.
 */
class MemoryLayoutTest {
    @Test
    void conversionsKeepValues() {
        try (NDManager scope = Engine.newScope()) {
            NDArray x = dev.graft.testutil.SeededInputs.normal(scope, 1601, new Shape(2, 3, 5, 4));
            float[] want = x.toFloatArray();
            assertArrayEquals(want, Tensors.channelsLast(x).toFloatArray());
            assertEquals(x.getShape(), Tensors.channelsLast(x).getShape());
            assertArrayEquals(want, Tensors.channelsLast(x).add(0f).toFloatArray(), "an op on channels-last data");
        }
    }

    @Test
    void convolutionWeightKeepsValuesThroughLayoutChangesAndStateDicts() {
        try (Conv2d conv = new Conv2d(3, 8, 3, 1, 1, true); Conv2d plain = new Conv2d(3, 8, 3, 1, 1, true);
             NDManager scope = Engine.newScope()) {
            assertTrue(conv.weight().channelsLast(), "channels-last by default");
            float[] w = conv.weight().array().toFloatArray();
            Map<String, TensorData> state = conv.stateDict();
            assertArrayEquals(w, state.get("weight").toFloats(), "state dict in NCHW order");

            plain.weight().setChannelsLast(false);
            assertFalse(plain.weight().channelsLast());
            plain.loadStateDict(state, true);
            assertArrayEquals(w, plain.weight().array().toFloatArray(), "loaded into an NCHW weight");
            conv.weight().setChannelsLast(false);
            assertArrayEquals(w, conv.weight().array().toFloatArray(), "back to NCHW");
            conv.weight().setChannelsLast(true);
            assertArrayEquals(w, conv.weight().array().toFloatArray(), "channels-last again");

            NDArray x = dev.graft.testutil.SeededInputs.normal(scope, 1602, new Shape(2, 3, 6, 6));
            assertArrayEquals(plain.forward(x).toFloatArray(), conv.forward(Tensors.channelsLast(x)).toFloatArray(),
                    1e-5f, "same convolution in either layout");
        }
    }

    @Test
    void modelGivesTheSameLogitsInEitherLayout() {
        try (ImageModel model = Zoo.get("resnet18").build(10); NDManager scope = Engine.newScope()) {
            model.eval();
            NDArray x = dev.graft.testutil.SeededInputs.normal(scope, 1603, new Shape(2, 3, 64, 64));
            float[] channelsLast = model.forward(x).toFloatArray();
            model.setChannelsLast(false);
            float[] nchw = model.forward(x).toFloatArray();
            float max = 0;
            for (float v : nchw) max = Math.max(max, Math.abs(v));
            assertArrayEquals(nchw, channelsLast, 1e-5f * max);
        }
    }
}
