package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * StochasticDepth "row": identity in eval; in training each sample is either zeroed or
 * scaled by 1/(1-p) as a whole, about p of them zeroed, the same draws for the same seed.
 */
class StochasticDepthTest {
    @Test
    void rowModeDropsWholeSamples() {
        try (NDManager scope = Engine.newScope()) {
            int n = 2000;
            NDArray x = scope.ones(new Shape(n, 3, 2, 2)).mul(2f);
            StochasticDepth sd = new StochasticDepth(0.25, "row");
            sd.eval();
            assertArrayEquals(x.toFloatArray(), sd.forward(x).toFloatArray());
            sd.train();
            Rng.manualSeed(5);
            float[] y = sd.forward(x).toFloatArray();
            int dropped = 0;
            for (int i = 0; i < n; i++) {
                float first = y[i * 12];
                assertTrue(first == 0f || Math.abs(first - 2f / 0.75f) < 1e-6, "sample " + i + ": " + first);
                for (int j = 1; j < 12; j++) assertEquals(first, y[i * 12 + j], "sample " + i + " is one unit");
                if (first == 0f) dropped++;
            }
            // binomial(2000, 0.25): mean 500, sd 19.4
            assertTrue(Math.abs(dropped - 500) < 80, "dropped " + dropped);
            Rng.manualSeed(5);
            assertArrayEquals(y, sd.forward(x).toFloatArray(), "same seed, same draws");
            assertArrayEquals(new float[12 * n], new StochasticDepth(1.0, "row").forward(x).toFloatArray());
        }
    }
}
