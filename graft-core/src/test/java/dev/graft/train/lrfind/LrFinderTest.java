package dev.graft.train.lrfind;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import dev.graft.nn.Linear;
import dev.graft.nn.Rng;
import dev.graft.nn.Sequential;
import dev.graft.train.Batch;
import dev.graft.train.Fit;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.ParamGroup;
import dev.graft.train.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The finder on seeded synthetic loss curves (a loss as a function of the rate, with noise,
 * a spike, a NaN) whose right answer is known, and on a tiny real model.
 */
class LrFinderTest {
    /** Flat at 2 below 1e-4, falls to 0.5 around 1e-2 (the steepest fall near 1e-3), explodes above 1e-1. */
    static double shape(double lr) {
        double x = Math.log10(lr);
        double fall = 1.5 / (1 + Math.exp(-2.5 * (x + 3))); // sigmoid centred on 1e-3
        double blow = x > -1.5 ? Math.pow(10, 2 * (x + 1.5)) - 1 : 0;
        return 2 - fall + blow;
    }

    /** A sweep whose step returns the synthetic loss at the reference group's current rate. */
    static LrCurve sweep(DoubleUnaryOperator loss, int steps) {
        SGD opt = new SGD(List.of(ParamGroup.of(Map.of(), 0.01)), 0.01, 0.9);
        return new LrFinder().steps(steps).run(null, opt, () -> null, b -> loss.applyAsDouble(opt.groups().get(0).lr()));
    }

    static void assertDecade(double lr, double lo, double hi) {
        assertTrue(lr >= lo && lr <= hi, "suggestion " + lr + " outside [" + lo + ", " + hi + "]");
    }

    @Test
    void cleanCurveSuggestsTheSteepestDecade() {
        LrCurve c = sweep(LrFinderTest::shape, 100);
        assertEquals("the loss diverged", c.stopReason());
        assertDecade(c.suggestion(), 3e-4, 5e-3);
    }

    @Test
    void noisyCurvesStayInTheDecadeForEverySeed() {
        for (long seed = 0; seed < 10; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            LrCurve c = sweep(lr -> shape(lr) * (1 + 0.08 * (r.nextDouble() * 2 - 1)), 80);
            assertDecade(c.suggestion(), 2e-4, 8e-3);
        }
    }

    @Test
    void aSpikeNeitherStopsTheSweepNorMovesTheSuggestion() {
        double clean = sweep(LrFinderTest::shape, 100).suggestion();
        int[] calls = {0};
        LrCurve c = sweep(lr -> ++calls[0] == 40 ? 50 : shape(lr), 100);
        assertTrue(c.lrs().length > 60, "stopped at step " + c.lrs().length);
        assertEquals(clean, c.suggestion(), clean * 1e-9);
    }

    @Test
    void aNanEndsTheSweepAndTheSuggestionUsesWhatCameBefore() {
        LrCurve c = sweep(lr -> lr > 2e-2 ? Double.NaN : shape(lr), 100);
        assertEquals("the loss was not finite", c.stopReason());
        assertTrue(Double.isNaN(c.losses()[c.losses().length - 1]));
        assertDecade(c.suggestion(), 3e-4, 5e-3);
    }

    @Test
    void aFlatCurveHasNoSuggestion() {
        SplittableRandom r = new SplittableRandom(3);
        LrCurve c = sweep(lr -> 1.6 + 0.01 * r.nextDouble(), 60);
        assertTrue(Double.isNaN(c.suggestion()));
        assertEquals(-1, c.suggestionIndex());
    }

    @Test
    void groupsKeepTheirRatiosAndAreRestored() {
        SGD opt = new SGD(List.of(ParamGroup.of(Map.of(), 0.001), ParamGroup.of(Map.of(), 0.01)), 0.01, 0.9);
        List<double[]> seen = new ArrayList<>();
        new LrFinder().steps(20).range(1e-5, 1).run(null, opt, () -> null, b -> {
            seen.add(new double[] {opt.groups().get(0).lr(), opt.groups().get(1).lr()});
            return 1.0;
        });
        assertEquals(20, seen.size());
        for (double[] g : seen) assertEquals(0.1, g[0] / g[1], 1e-12);
        assertEquals(1e-5, seen.get(0)[1], 1e-18);
        assertEquals(1.0, seen.get(19)[1], 1e-12);
        assertEquals(0.001, opt.groups().get(0).lr());
        assertEquals(0.01, opt.groups().get(1).lr());
        LrFinder.scaled(opt, 0.3);
        assertEquals(0.03, opt.groups().get(0).lr(), 1e-15);
        assertEquals(0.3, opt.groups().get(1).lr(), 1e-15);
    }

    /** Three seeded Gaussian clusters in 8 dimensions, batches of 16. */
    static Batch blobs(SplittableRandom r) {
        int n = 16, d = 8;
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < d; j++) x[i * d + j] = (float) ((j % 3 == y[i] ? 2 : 0) + r.nextGaussian());
        }
        return Batch.features(x, y, n, d);
    }

    @Test
    void realModelFindsAWorkingRateAndIsRestoredExactly() throws Exception {
        Rng.manualSeed(7);
        try (Sequential model = new Sequential(new Linear(8, 3))) {
            SGD opt = new SGD(Optimizer.single(model.namedParameters()), 0.01, 0.9);
            Fit fit = new Fit(model, opt, new CrossEntropyLoss());
            model.train();
            Map<String, TensorData> before = model.stateDict();
            SplittableRandom data = new SplittableRandom(11);
            LrCurve c = new LrFinder().steps(60).run(model, opt, () -> blobs(data), b -> fit.trainStep(b).loss());
            Map<String, TensorData> after = model.stateDict();
            for (String k : before.keySet()) assertArrayEquals(before.get(k).data(), after.get(k).data(), k);
            assertEquals(0.01, opt.groups().get(0).lr());
            assertTrue(opt.stateDict().tensors().isEmpty(), "momentum buffers survived the sweep");
            double lr = c.suggestion();
            assertDecade(lr, 1e-3, 1.0);
            // training at the suggestion works: the loss falls well below its start
            LrFinder.scaled(opt, lr);
            SplittableRandom train = new SplittableRandom(12);
            double first = fit.trainStep(blobs(train)).loss(), last = 0;
            for (int i = 0; i < 40; i++) last = fit.trainStep(blobs(train)).loss();
            assertTrue(last < 0.5 * first, "loss " + first + " -> " + last + " at lr " + lr);
            assertTrue(LrCurvePlot.png(c, c.minimumLr()).length > 1000);
        }
    }

    @Test
    void plotOfASweepWithANanIsAPng() {
        LrCurve c = sweep(lr -> lr > 2e-2 ? Double.NaN : shape(lr), 100);
        byte[] png = LrCurvePlot.png(c, c.minimumLr());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }
}
