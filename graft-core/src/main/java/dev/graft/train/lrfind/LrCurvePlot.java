package dev.graft.train.lrfind;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep of an {@link LrCurve} as a PNG (XChart, headless): raw loss per step in light
 * grey, the smoothed loss, the steepest point (the curve's suggestion) in orange and the rate
 * the run trains at in red, on a logarithmic learning-rate axis. Non-finite losses are left out.
 */
public final class LrCurvePlot {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private LrCurvePlot() {}

    /** The plot; {@code chosenLr} (NaN: none) is marked at the sweep step nearest to it. */
    public static byte[] png(LrCurve curve, double chosenLr) {
        XYChart c = new XYChartBuilder().width(800).height(500).title("Learning-rate finder")
                .xAxisTitle("learning rate").yAxisTitle("loss").build();
        var st = c.getStyler();
        st.setXAxisLogarithmic(true);
        st.setXAxisDecimalPattern("0E0");
        st.setYAxisDecimalPattern("0.0##");
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        double[] smooth = curve.smoothed();
        // the last steps of a diverging sweep can be orders of magnitude above the rest: clip the axis
        double top = Double.NEGATIVE_INFINITY;
        for (double v : smooth) if (Double.isFinite(v)) top = Math.max(top, v);
        double[] raw = curve.losses().clone();
        double start = Double.isFinite(smooth.length > 0 ? smooth[0] : Double.NaN) ? smooth[0] : top;
        double cap = Math.min(top, 2 * start) * 1.1;
        for (int i = 0; i < raw.length; i++) if (raw[i] > cap) raw[i] = Double.NaN;
        for (int i = 0; i < smooth.length; i++) if (smooth[i] > cap) smooth[i] = Double.NaN;
        series(c, "loss", curve.lrs(), raw, new Color(0xb0, 0xb7, 0xbf));
        series(c, "smoothed", curve.lrs(), smooth, new Color(0x1f77b4));
        int s = curve.suggestionIndex();
        if (s >= 0) point(c, "steepest %.1e", curve, s, new Color(0xff7f0e));
        if (chosenLr > 0) {
            int k = 0;
            for (int i = 1; i < curve.lrs().length; i++) {
                if (Math.abs(Math.log(curve.lrs()[i] / chosenLr)) < Math.abs(Math.log(curve.lrs()[k] / chosenLr))) k = i;
            }
            point(c, "rate used %.1e", curve, k, new Color(0xd62728));
        }
        try {
            return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void point(XYChart c, String label, LrCurve curve, int i, Color color) {
        double y = Double.isFinite(curve.smoothed()[i]) ? curve.smoothed()[i] : curve.losses()[i];
        if (!Double.isFinite(y)) return;
        XYSeries p = c.addSeries(String.format(java.util.Locale.ROOT, label, curve.lrs()[i]),
                new double[] {curve.lrs()[i]}, new double[] {y});
        p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        p.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color);
    }

    private static void series(XYChart c, String name, double[] x, double[] y, Color color) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i])) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) return;
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.NONE).setLineColor(color);
    }
}
