package dev.graft.train.lrfind;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The LR-finder plot labels and marks the rate the run trained at (not the sweep step nearest
 * to it), and a loss above the plot's cap is drawn at the cap, so the line passes through every
 * step instead of jumping over the high ones.
 */
class LrCurvePlotTest {
    /** A sweep on rates 1.3e-5 ... 1.3 (factor ~1.78 per step) with spikes far above the start. */
    static LrCurve sweep() {
        int n = 21;
        double[] lrs = new double[n], losses = new double[n];
        for (int i = 0; i < n; i++) {
            lrs[i] = 1.3e-5 * Math.pow(10, 5.0 * i / (n - 1));
            losses[i] = 1.1 - 0.004 * i;
        }
        losses[15] = 5.7;
        losses[17] = 7.2;
        losses[20] = 7.3;
        return new LrCurve(lrs, losses, "end of the sweep");
    }

    @Test
    void labelsAndMarksTheRateGiven() {
        LrCurve curve = sweep();
        for (double lr : curve.lrs()) assertTrue(Math.abs(lr - 0.01) > 1e-4, "0.01 is not a sweep step");
        XYChart c = LrCurvePlot.chart(curve, 0.01);
        XYSeries used = c.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("rate used")).findFirst()
                .orElseThrow();
        assertEquals("rate used 1.0e-02", used.getName());
        for (double x : used.getXData()) assertEquals(0.01, x, 1e-12);
    }

    @Test
    void highLossesAreClippedNotDropped() {
        LrCurve curve = sweep();
        XYSeries loss = LrCurvePlot.chart(curve, 0.01).getSeriesMap().get("loss");
        assertArrayEquals(curve.lrs(), loss.getXData(), "every step is on the line");
        double[] y = loss.getYData();
        double cap = Arrays.stream(y).max().orElseThrow();
        assertTrue(cap < 5.7, "the spikes are clipped to the cap " + cap);
        assertEquals(cap, y[15]);
        assertEquals(cap, y[17]);
        assertEquals(cap, y[20]);
        assertEquals(curve.losses()[3], y[3], "points under the cap are unchanged");
    }
}
