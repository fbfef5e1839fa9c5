package dev.graft.report;

import dev.graft.eval.PredictionTile;
import static dev.graft.report.Html.esc;

import com.google.gson.Gson;
import dev.graft.image.RgbImage;
import dev.graft.eval.ClassStats;
import dev.graft.eval.ConfusedPair;
import dev.graft.eval.Metrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the single self-contained {@code report.html} of a run or a comparison: every
 * picture is an embedded PNG data URI and the CSS is inline, so the file opens offline and
 * can be mailed around. Give it plain data through the chainable setters; each section
 * appears only when its data was given: summary, comparison, recipe, data, loss/accuracy
 * curves, learning rate, evaluation (confusion matrix, per-class table), validation
 * predictions, worst mistakes, augmented samples and timings. Then {@link #render()} or {@link #write(Path)}.
 */
public final class HtmlReport {
    private static final int MAX_SKIPPED_SHOWN = 200;

    private String title = "Graft report";
    private String subtitle;
    private RunSummary summary;
    private String stopped;
    private Map<String, ?> recipe;
    private DataSummary data;
    private List<EpochRecord> epochs;
    private Metrics metrics;
    private List<String> cmClasses;
    private int[][] cmCounts;
    private List<PredictionTile> predictions;
    private List<PredictionTile> mistakes;
    private List<RgbImage> augmented;
    private List<CompareRow> compareRows;
    private Map<String, List<EpochRecord>> compareRuns;
    private List<String> warnings = List.of();
    private byte[] lrFinderPng;
    private String lrFinderCaption;

    /** Page title and main heading (default "Graft report"). */
    public HtmlReport title(String title) {
        this.title = title;
        return this;
    }

    /** A line under the title, e.g. the data folder and the date. */
    public HtmlReport subtitle(String subtitle) {
        this.subtitle = subtitle;
        return this;
    }

    /** One-line warnings (rare classes, a model no better than guessing), shown first. */
    public HtmlReport warnings(List<String> warnings) {
        this.warnings = List.copyOf(warnings);
        return this;
    }

    public HtmlReport summary(RunSummary summary) {
        this.summary = summary;
        return this;
    }

    /** The recipe as key/value rows (map order); maps and lists are shown as JSON. */
    /** Marks a run that did not train all its epochs, e.g. "Stopped after epoch 3 of 10 (interrupted)". */
    public HtmlReport stopped(String note) {
        this.stopped = note;
        return this;
    }

    public HtmlReport recipe(Map<String, ?> recipe) {
        this.recipe = recipe;
        return this;
    }

    public HtmlReport data(DataSummary data) {
        this.data = data;
        return this;
    }

    /** Per-epoch history: drives the curves, the learning-rate plot and the timings. */
    public HtmlReport epochs(List<EpochRecord> epochs) {
        this.epochs = List.copyOf(epochs);
        return this;
    }

    /** Evaluation metrics: headline numbers, confusion matrix, per-class table. */
    public HtmlReport metrics(Metrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /** A confusion matrix alone, when there are no {@link Metrics}. */
    public HtmlReport confusionMatrix(List<String> classes, int[][] counts) {
        this.cmClasses = List.copyOf(classes);
        this.cmCounts = counts;
        return this;
    }

    /** Validation images with predicted and true labels (the seeds show 24). */
    public HtmlReport predictions(List<PredictionTile> tiles) {
        this.predictions = List.copyOf(tiles);
        return this;
    }

    /** The most confident wrong predictions (see {@link PredictionTile#fromMistake}). */
    public HtmlReport mistakes(List<PredictionTile> tiles) {
        this.mistakes = List.copyOf(tiles);
        return this;
    }

    /** Training images as the augmentation pipeline produced them. */
    public HtmlReport augmentedSamples(List<RgbImage> images) {
        this.augmented = List.copyOf(images);
        return this;
    }

    /** The LR finder's sweep (a PNG) and what was taken from it, shown after the recipe. */
    public HtmlReport lrFinder(byte[] png, String caption) {
        this.lrFinderPng = png == null ? null : png.clone();
        this.lrFinderCaption = caption;
        return this;
    }

    /** A comparison: one table row per run and one val-accuracy line per run. */
    public HtmlReport comparison(List<CompareRow> rows, Map<String, List<EpochRecord>> runs) {
        this.compareRows = List.copyOf(rows);
        this.compareRuns = new LinkedHashMap<>(runs);
        return this;
    }

    /** Writes the rendered page to {@code file} atomically. */
    public void write(Path file) {
        AtomicWrite.write(file, render().getBytes(StandardCharsets.UTF_8));
    }

    /** The whole page as one HTML string. */
    public String render() {
        Map<String, String> sections = new LinkedHashMap<>();
        if (!warnings.isEmpty()) sections.put("warnings", warningsSection());
        if (summary != null) sections.put("summary", summarySection());
        if (compareRows != null) sections.put("comparison", comparisonSection());
        if (recipe != null) sections.put("recipe", recipeSection());
        if (lrFinderPng != null) {
            sections.put("lr-finder", Html.figure(lrFinderPng, "loss against learning rate during the LR finder's sweep",
                    lrFinderCaption == null ? "" : lrFinderCaption));
        } else if (lrFinderCaption != null) { // an automatic run that did not sweep says why
            sections.put("lr-finder", "<p>" + Html.esc(lrFinderCaption) + "</p>");
        }
        if (data != null) sections.put("data", dataSection());
        boolean haveEpochs = epochs != null && !epochs.isEmpty();
        if (haveEpochs) sections.put("curves", curvesSection());
        if (haveEpochs) sections.put("learning-rate", learningRateSection());
        if (metrics != null || cmCounts != null) sections.put("confusion-matrix", evaluationSection());
        if (predictions != null && !predictions.isEmpty()) {
            sections.put("predictions", predictionsSection());
        }
        if (mistakes != null && !mistakes.isEmpty()) sections.put("mistakes", mistakesSection());
        if (augmented != null && !augmented.isEmpty()) sections.put("augmented", augmentedSection());
        if (haveEpochs) sections.put("timings", timingsSection());

        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .append("<title>").append(esc(title)).append("</title>\n<style>\n")
          .append(Html.CSS).append("</style>\n</head>\n<body>\n<main>\n<header>\n<h1>")
          .append(esc(title)).append("</h1>\n");
        if (subtitle != null) sb.append("<p class=\"sub\">").append(esc(subtitle)).append("</p>\n");
        sb.append("<nav>");
        sections.keySet().forEach(id -> sb.append("<a href=\"#").append(id).append("\">")
                .append(esc(heading(id))).append("</a>"));
        sb.append("</nav>\n</header>\n");
        sections.forEach((id, body) -> sb.append("<section id=\"").append(id).append("\">\n<h2>")
                .append(esc(heading(id))).append("</h2>\n").append(body).append("</section>\n"));
        sb.append("<footer>Generated by Graft. This page is self-contained and works offline."
                + "</footer>\n</main>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static String heading(String id) {
        return switch (id) {
            case "warnings" -> "Warnings";
            case "summary" -> "Summary";
            case "comparison" -> "Comparison";
            case "recipe" -> "Recipe";
            case "data" -> "Data";
            case "curves" -> "Loss and accuracy";
            case "learning-rate" -> "Learning rate";
            case "lr-finder" -> "LR finder";
            case "confusion-matrix" -> "Confusion matrix";
            case "predictions" -> "Validation predictions";
            case "mistakes" -> "Worst mistakes";
            case "augmented" -> "Augmented samples";
            case "timings" -> "Timings";
            default -> id;
        };
    }

    private String warningsSection() {
        StringBuilder sb = new StringBuilder("<ul class=\"warnings\">\n");
        warnings.forEach(w -> sb.append("<li>").append(esc(w)).append("</li>\n"));
        return sb.append("</ul>\n").toString();
    }

    private String summarySection() {
        StringBuilder sb = new StringBuilder(stopped == null ? ""
                : "<p class=\"stopped\"><strong>" + esc(stopped) + "</strong></p>\n");
        sb.append("<div class=\"cards\">");
        sb.append(Html.card("Architecture", summary.arch()))
          .append(Html.card("Weights", summary.weights()))
          .append(Html.card("Strategy", summary.strategy()))
          .append(Html.card("Best val accuracy", Html.pct(summary.bestValAccuracy())))
          .append(Html.card("Best epoch",
                  summary.bestEpoch() < 1 ? "–" : String.valueOf(summary.bestEpoch())));
        if (epochs != null && !epochs.isEmpty()) {
            double total = epochs.stream().mapToDouble(EpochRecord::seconds)
                    .filter(v -> !Double.isNaN(v)).sum();
            sb.append(Html.card("Epochs", String.valueOf(epochs.size())))
              .append(Html.card("Training time", Html.duration(total)));
        }
        return sb.append("</div>\n").toString();
    }

    /** A comparison's run names are the folders of their runs (safe names), next to the comparison report. */
    private static String runLink(String name) {
        String href = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "<a href=\"" + esc(href) + "/report.html\">" + esc(name) + "</a>";
    }

    private String comparisonSection() {
        double best = compareRows.stream().mapToDouble(CompareRow::bestValAccuracy)
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        StringBuilder sb = new StringBuilder("<table class=\"fit\">\n<tr><th>Run</th><th>Architecture</th>"
                + "<th>Weights</th><th>Strategy</th><th class=\"num\">Best val accuracy</th>"
                + "<th class=\"num\">Best epoch</th><th class=\"num\">Parameters</th>"
                + "<th class=\"num\">Train time</th><th class=\"num\">Images/s</th></tr>\n");
        for (CompareRow r : compareRows) {
            sb.append(r.bestValAccuracy() == best ? "<tr class=\"best\">" : "<tr>")
              .append("<td>").append(runLink(r.name())).append("</td><td>").append(esc(r.arch()))
              .append("</td><td>").append(esc(r.weights())).append("</td><td>")
              .append(esc(r.strategy())).append("</td>").append(num(Html.pct(r.bestValAccuracy())
                      + (r.worseThanScratch(compareRows) ? " (" + CompareRow.WORSE_THAN_SCRATCH + ")" : "")))
              .append(num(r.bestEpoch() < 1 ? "–" : String.valueOf(r.bestEpoch())))
              .append(num(Html.count(r.parameters()))).append(num(Html.duration(r.trainSeconds())))
              .append(num(Html.fixed(r.imagesPerSecond(), 1))).append("</tr>\n");
        }
        sb.append("</table>\n<p class=\"note\">Every run used the same recipe and seed; the best "
                + "validation accuracy is in bold. Each run's name links to its own report.</p>\n");
        if (compareRuns != null && !compareRuns.isEmpty()) {
            sb.append("<div class=\"figs\">\n").append(Html.figure(Plots.compareValAccuracy(compareRuns),
                    "validation accuracy per epoch for each run", null))
              .append(Html.figure(Plots.compareValLoss(compareRuns), "validation loss per epoch for each run", null))
              .append("</div>\n");
        }
        return sb.toString();
    }

    private String recipeSection() {
        Gson gson = new Gson();
        StringBuilder sb = new StringBuilder("<table>\n");
        recipe.forEach((k, v) -> {
            String value = v instanceof Map || v instanceof Iterable || (v != null
                    && v.getClass().isArray()) ? gson.toJson(v) : String.valueOf(v);
            sb.append("<tr><td class=\"key\">").append(esc(k)).append("</td><td><code>")
              .append(esc(value)).append("</code></td></tr>\n");
        });
        return sb.append("</table>\n").toString();
    }

    private String dataSection() {
        List<String> splits = new ArrayList<>(data.countsPerSplit().keySet());
        StringBuilder sb = new StringBuilder("<h3>Images per class</h3>\n<div class=\"scroll\">"
                + "<table>\n<tr><th>Class</th>");
        splits.forEach(s -> sb.append("<th class=\"num\">").append(esc(s)).append("</th>"));
        sb.append("</tr>\n");
        long[] totals = new long[splits.size()];
        for (int c = 0; c < data.classes().size(); c++) {
            sb.append("<tr><td>").append(esc(data.classes().get(c))).append("</td>");
            for (int s = 0; s < splits.size(); s++) {
                int v = data.countsPerSplit().get(splits.get(s))[c];
                totals[s] += v;
                sb.append(num(String.valueOf(v)));
            }
            sb.append("</tr>\n");
        }
        sb.append("<tr class=\"total\"><td>total (").append(data.classes().size())
          .append(" classes)</td>");
        for (long t : totals) sb.append(num(String.valueOf(t)));
        sb.append("</tr>\n</table></div>\n<h3>Skipped files</h3>\n");
        List<SkippedFile> skipped = data.skipped();
        if (skipped.isEmpty()) {
            return sb.append("<p class=\"note\">No files were skipped.</p>\n").toString();
        }
        sb.append("<p class=\"note\">").append(skipped.size())
          .append(skipped.size() == 1 ? " file could not be read and was" : " files could not be read and were")
          .append(" left out of the counts above.</p>\n<div class=\"scroll\"><table>\n<tr><th>File</th><th>Reason</th></tr>\n");
        for (SkippedFile f : skipped.subList(0, Math.min(MAX_SKIPPED_SHOWN, skipped.size()))) {
            sb.append("<tr><td class=\"mono\">").append(esc(f.path())).append("</td><td>")
              .append(esc(f.reason())).append("</td></tr>\n");
        }
        sb.append("</table></div>\n");
        if (skipped.size() > MAX_SKIPPED_SHOWN) {
            sb.append("<p class=\"note\">… and ").append(skipped.size() - MAX_SKIPPED_SHOWN)
              .append(" more (see skipped.txt).</p>\n");
        }
        return sb.toString();
    }

    private String curvesSection() {
        return "<div class=\"figs\">\n"
                + Html.figure(Plots.lossCurves(epochs), "train and validation loss per epoch", null)
                + Html.figure(Plots.accuracyCurves(epochs),
                        "train and validation accuracy per epoch", null)
                + "</div>\n";
    }

    private String learningRateSection() {
        return "<div class=\"figs\">\n" + Html.figure(Plots.learningRateCurve(epochs),
                "learning rate per epoch", null) + "</div>\n";
    }

    private String evaluationSection() {
        StringBuilder sb = new StringBuilder();
        List<String> classes = metrics != null ? metrics.classes() : cmClasses;
        int[][] counts = metrics != null ? metrics.confusionMatrix() : cmCounts;
        if (metrics != null) {
            sb.append("<div class=\"cards\">")
              .append(Html.card("Accuracy", Html.pct(metrics.accuracy())))
              .append(metrics.hasTopK() ? Html.card("Top-" + metrics.k() + " accuracy", Html.pct(metrics.topKAccuracy())) : "")
              .append(Html.card("Balanced accuracy", Html.pct(metrics.balancedAccuracy())))
              .append(Html.card("Macro F1", Html.fixed(metrics.macroF1(), 4)))
              .append(Html.card("Images", String.valueOf(metrics.count())))
              .append("</div>\n<h3>Counts (rows: true class, columns: predicted class)</h3>\n");
        }
        sb.append(Html.figure(Plots.confusionMatrix(classes, counts),
                "confusion matrix, rows true class, columns predicted class", null));
        if (metrics == null) return sb.toString();
        sb.append("<h3>Per class</h3>\n<div class=\"scroll\"><table>\n<tr><th>Class</th>"
                + "<th class=\"num\">Precision</th><th class=\"num\">Recall</th>"
                + "<th class=\"num\">F1</th><th class=\"num\">Support</th></tr>\n");
        for (ClassStats s : metrics.perClass()) sb.append(statsRow(s, ""));
        sb.append(statsRow(metrics.macroAverage(), " class=\"total\""));
        sb.append(statsRow(metrics.weightedAverage(), " class=\"total\""));
        sb.append("</table></div>\n");
        List<ConfusedPair> mc = metrics.mostConfused();
        if (!mc.isEmpty()) {
            sb.append("<h3>Most confused</h3>\n<table>\n<tr><th>True class</th>"
                    + "<th>Predicted as</th><th class=\"num\">Count</th></tr>\n");
            for (ConfusedPair p : mc.subList(0, Math.min(10, mc.size()))) {
                sb.append("<tr><td>").append(esc(p.trueClass())).append("</td><td>")
                  .append(esc(p.predictedClass())).append("</td>")
                  .append(num(String.valueOf(p.count()))).append("</tr>\n");
            }
            sb.append("</table>\n");
        }
        return sb.toString();
    }

    private static String statsRow(ClassStats s, String attrs) {
        return "<tr" + attrs + "><td>" + esc(s.name()) + "</td>" + num(Html.fixed(s.precision(), 4))
                + num(Html.fixed(s.recall(), 4)) + num(Html.fixed(s.f1(), 4))
                + num(String.valueOf(s.support())) + "</tr>\n";
    }

    private String predictionsSection() {
        long right = predictions.stream().filter(PredictionTile::correct).count();
        return "<p class=\"note\">" + predictions.size() + " validation images: <span class=\"good\">"
                + right + " right</span>, <span class=\"bad\">" + (predictions.size() - right)
                + " wrong</span>. Titles give the predicted and the true class.</p>\n"
                + Html.figure(Plots.predictionGrid(predictions, Plots.GRID_COLUMNS),
                        "validation images with predicted and true labels", null);
    }

    private String mistakesSection() {
        return "<p class=\"note\">The wrong predictions the model was most sure of, worst first; "
                + "the small line gives its confidence and the file.</p>\n"
                + Html.figure(Plots.predictionGrid(mistakes, Plots.GRID_COLUMNS),
                        "most confident wrong predictions", null);
    }

    private String augmentedSection() {
        return "<p class=\"note\">Training images after augmentation, as the model saw them.</p>\n"
                + Html.figure(Plots.imageGrid(augmented, Plots.GRID_COLUMNS),
                        "augmented training samples", null);
    }

    private String timingsSection() {
        double total = 0;
        StringBuilder rows = new StringBuilder();
        for (EpochRecord e : epochs) {
            if (!Double.isNaN(e.seconds())) total += e.seconds();
            rows.append("<tr>").append(num(String.valueOf(e.epoch())))
                .append(num(Html.duration(e.seconds()))).append(num(Html.fixed(e.imagesPerSecond(), 1)))
                .append(num(Html.lr(e.lr()))).append(num(Html.duration(total))).append("</tr>\n");
        }
        double meanRate = epochs.stream().mapToDouble(EpochRecord::imagesPerSecond)
                .filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
        return "<div class=\"cards\">" + Html.card("Total time", Html.duration(total))
                + Html.card("Mean epoch", Html.duration(total / epochs.size()))
                + Html.card("Mean images/s", Html.fixed(meanRate, 1)) + "</div>\n"
                + "<h3>Per epoch</h3>\n<div class=\"scroll\"><table>\n<tr><th class=\"num\">Epoch</th>"
                + "<th class=\"num\">Time</th><th class=\"num\">Images/s</th>"
                + "<th class=\"num\">Learning rate</th><th class=\"num\">Elapsed</th></tr>\n"
                + rows + "</table></div>\n";
    }

    private static String num(String s) {
        return "<td class=\"num\">" + esc(s) + "</td>";
    }
}
