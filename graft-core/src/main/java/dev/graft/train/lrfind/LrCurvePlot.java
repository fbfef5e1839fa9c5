package dev.graft.train.lrfind;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep of an {@link LrCurve} as a PNG (XChart, headless): raw loss per step in light
 * grey, the smoothed loss, the steepest point (the curve's suggestion) in orange and the rate
 * the run trains at as a red vertical line at that rate, on a logarithmic learning-rate axis.
 * Losses far above the start (a diverging sweep) are drawn at the top of the axis; NaN losses
 * are left out.
 */
public final class LrCurvePlot {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private LrCurvePlot() {}

    /** The plot; {@code chosenLr} (NaN: none) is marked and labelled as given. */
    public static byte[] png(LrCurve curve, double chosenLr) {
        XYChart c = chart(curve, chosenLr);
        try {
            return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart {@link #png} draws. */
    static XYChart chart(LrCurve curve, double chosenLr) {
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
        // clip (not drop) what is above the cap, so the line still passes through every step
        for (int i = 0; i < raw.length; i++) if (raw[i] > cap) raw[i] = cap;
        for (int i = 0; i < smooth.length; i++) if (smooth[i] > cap) smooth[i] = cap;
        series(c, "loss", curve.lrs(), raw, new Color(0xb0, 0xb7, 0xbf));
        series(c, "smoothed", curve.lrs(), smooth, new Color(0x1f77b4));
        int s = curve.suggestionIndex();
        if (s >= 0 && Double.isFinite(smooth[s])) {
            XYSeries p = c.addSeries(String.format(Locale.ROOT, "steepest %.1e", curve.lrs()[s]),
                    new double[] {curve.lrs()[s]}, new double[] {smooth[s]});
            p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            p.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(new Color(0xff7f0e));
        }
        double bottom = Double.POSITIVE_INFINITY;
        for (double v : raw) if (Double.isFinite(v)) bottom = Math.min(bottom, v);
        if (chosenLr > 0 && Double.isFinite(bottom) && Double.isFinite(cap)) {
            // the rate itself, which need not be a step of the sweep (a fallback or a clamped rate)
            XYSeries used = c.addSeries(String.format(Locale.ROOT, "rate used %.1e", chosenLr),
                    new double[] {chosenLr, chosenLr}, new double[] {bottom, Math.max(cap, bottom)});
            used.setMarker(SeriesMarkers.NONE).setLineColor(new Color(0xd62728));
        }
        return c;
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
