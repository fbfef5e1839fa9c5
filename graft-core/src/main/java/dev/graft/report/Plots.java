package dev.graft.report;

import dev.graft.image.RgbImage;
import dev.graft.eval.PredictionTile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's pictures as PNG bytes: training curves (loss, accuracy, learning rate) and
 * run comparisons drawn with XChart, a confusion-matrix heatmap, a grid of validation
 * images titled "pred: X / true: Y" (green right, red wrong) and a plain grid of augmented
 * samples. Everything renders headless; values that were not measured (NaN) are left out
 * of a line rather than drawn as zero.
 */
public final class Plots {
    static { Awt.ensureHeadless(); }

    /** Size of the line charts, in pixels. */
    public static final int WIDTH = 800, HEIGHT = 500;
    /** Columns of the image grids by default: 24 images make 4 rows, as in the seeds. */
    public static final int GRID_COLUMNS = 6;

    // matplotlib's tab10, so the charts look like the ones people know from PyTorch tutorials
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private Plots() {}

    /** Train and validation loss per epoch. */
    public static byte[] lossCurves(List<EpochRecord> epochs) {
        XYChart c = chart("Loss", "epoch", "loss", epochs);
        line(c, "train", epochs, EpochRecord::trainLoss);
        line(c, "val", epochs, EpochRecord::valLoss);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return encode(c);
    }

    /** Train and validation accuracy per epoch, on a 0..1 axis. */
    public static byte[] accuracyCurves(List<EpochRecord> epochs) {
        XYChart c = chart("Accuracy", "epoch", "accuracy", epochs);
        line(c, "train", epochs, EpochRecord::trainAcc);
        line(c, "val", epochs, EpochRecord::valAcc);
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return encode(c);
    }

    /** Learning rate per epoch; logarithmic when it spans more than a factor of 20. */
    public static byte[] learningRateCurve(List<EpochRecord> epochs) {
        XYChart c = chart("Learning rate", "epoch", "learning rate", epochs);
        line(c, "lr", epochs, EpochRecord::lr);
        // the rate is constant within an epoch, so draw steps, not slopes between epochs
        c.getSeriesMap().values().forEach(
                s -> s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step));
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (EpochRecord e : epochs) {
            if (!Double.isNaN(e.lr())) {
                min = Math.min(min, e.lr());
                max = Math.max(max, e.lr());
            }
        }
        if (min > 0 && max / min > 20) c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisDecimalPattern("0.0##E0");
        c.getStyler().setLegendVisible(false);
        return encode(c);
    }

    /** Validation accuracy per epoch of several runs, one line per run (map order). */
    public static byte[] compareValAccuracy(Map<String, List<EpochRecord>> runs) {
        List<EpochRecord> all = new ArrayList<>();
        runs.values().forEach(all::addAll);
        XYChart c = chart("Validation accuracy", "epoch", "val accuracy", all);
        runs.forEach((name, epochs) -> line(c, name, epochs, EpochRecord::valAcc));
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        // a long legend inside the plot would hide the lines it explains
        c.getStyler().setLegendPosition(runs.size() > 4 ? Styler.LegendPosition.OutsideE
                : Styler.LegendPosition.InsideSE);
        return encode(c);
    }

    /** Validation loss per epoch of several runs, one line per run (map order). */
    public static byte[] compareValLoss(Map<String, List<EpochRecord>> runs) {
        List<EpochRecord> all = new ArrayList<>();
        runs.values().forEach(all::addAll);
        XYChart c = chart("Validation loss", "epoch", "val loss", all);
        runs.forEach((name, epochs) -> line(c, name, epochs, EpochRecord::valLoss));
        c.getStyler().setLegendPosition(runs.size() > 4 ? Styler.LegendPosition.OutsideE
                : Styler.LegendPosition.InsideNE);
        return encode(c);
    }

    /** Heatmap of a confusion matrix ({@code counts[true][predicted]}). */
    public static byte[] confusionMatrix(List<String> classes, int[][] counts) {
        return Awt.png(new ConfusionMatrixPlot(classes, counts).render());
    }

    /** Images titled with predicted and true class, green when right and red when wrong. */
    public static byte[] predictionGrid(List<PredictionTile> tiles, int columns) {
        return Awt.png(ImageGrid.predictions(tiles, columns), true);
    }

    /** Images without titles, e.g. augmented training samples. */
    public static byte[] imageGrid(List<RgbImage> images, int columns) {
        return Awt.png(ImageGrid.plain(images, columns), true);
    }

    /** Writes PNG bytes to a file atomically. */
    public static void writePng(byte[] png, Path file) {
        AtomicWrite.write(file, png);
    }

    private static XYChart chart(String title, String x, String y, List<EpochRecord> epochs) {
        if (epochs.isEmpty()) throw new IllegalArgumentException("no epochs to plot: " + title);
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(x).yAxisTitle(y).build();
        var s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false).setChartTitleBoxVisible(false);
        s.setPlotGridLinesColor(new Color(0xe6, 0xe9, 0xed));
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setAxisTickMarksColor(new Color(0x8c, 0x95, 0x9f));
        s.setChartFontColor(Awt.TEXT);
        s.setAxisTickLabelsColor(Awt.MUTED);
        s.setChartTitleFont(Awt.font(Font.BOLD, 18f));
        s.setAxisTitleFont(Awt.font(Font.PLAIN, 15f));
        s.setAxisTickLabelsFont(Awt.font(Font.PLAIN, 14f));
        s.setLegendFont(Awt.font(Font.PLAIN, 15f));
        s.setLegendBorderColor(new Color(0xd0, 0xd7, 0xde));
        s.setSeriesColors(PALETTE);
        s.setMarkerSize(7);
        s.setChartPadding(16);
        s.setYAxisDecimalPattern("0.0##");
        int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
        for (EpochRecord e : epochs) {
            lo = Math.min(lo, e.epoch());
            hi = Math.max(hi, e.epoch());
        }
        // a lone epoch would give XChart an empty x range
        s.setXAxisMin(hi > lo ? (double) lo : lo - 1.0).setXAxisMax(hi > lo ? (double) hi : hi + 1.0);
        // epochs are whole numbers: hide the fractional ticks XChart picks for short runs
        s.setxAxisTickLabelsFormattingFunction(
                v -> Math.abs(v - Math.rint(v)) < 1e-9 ? String.valueOf(Math.round(v)) : "");
        return c;
    }

    private static void line(XYChart c, String name, List<EpochRecord> epochs,
                             ToDoubleFunction<EpochRecord> value) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (EpochRecord e : epochs) {
            double v = value.applyAsDouble(e);
            if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                xs.add((double) e.epoch());
                ys.add(v);
            }
        }
        if (xs.isEmpty()) return;
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineWidth(2.2f);
    }

    private static byte[] encode(XYChart c) {
        try {
            return BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
