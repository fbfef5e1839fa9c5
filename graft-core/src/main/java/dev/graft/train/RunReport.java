package dev.graft.train;

import dev.graft.data.DataSplits;
import dev.graft.data.Dataset;
import dev.graft.data.Loader;
import dev.graft.image.RgbImage;
import dev.graft.data.SkipList;
import dev.graft.data.transforms.Augment;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.Preset;
import dev.graft.eval.Metrics;
import dev.graft.eval.MetricsAccumulator;
import dev.graft.eval.MetricsWarnings;
import dev.graft.eval.Mistake;
import dev.graft.eval.PredictionTile;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.report.DataSummary;
import dev.graft.report.EpochRecord;
import dev.graft.report.HtmlReport;
import dev.graft.report.RunSummary;
import dev.graft.report.SkippedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code report.html} of a training run: imbalance warnings, recipe, data, curves, and the final model's
 * validation metrics, confusion matrix, a grid of validation predictions (the seeds'
 * 24-image grid), the worst mistakes and a sample of augmented training images; a run that
 * stopped before its last epoch is marked so at the top.
 */
final class RunReport {
    static final int GRID = 24, AUGMENTED = 12;

    private RunReport() {}

    /** Writes the report; returns the warnings on the trained model (after training), for the console too. */
    static List<String> write(Path dir, Recipe recipe, SavedModel saved, ImageModel model, DataSplits data, Loader val,
                         Loader train, List<EpochRecord> epochs, int bestEpoch, SkipList skipped, Preset preset,
                         Augment augment, String stopped, byte[] lrFinderPng, String lrFinderCaption) {
        Dataset valSet = data.val();
        Predict.Predictions p = Predict.run(model, LoaderData.readable(val));
        int[] at = p.indices(); // prediction row -> validation index (unreadable images are left out)
        MetricsAccumulator acc = new MetricsAccumulator(data.classes());
        for (int i = 0; i < p.size(); i++) acc.add(p.labels()[i], p.row(i), valSet.source(at[i]));
        Metrics metrics = acc.result();

        List<PredictionTile> grid = new ArrayList<>();
        int[] predicted = p.predicted();
        int step = Math.max(1, p.size() / GRID);
        for (int i = 0; i < p.size() && grid.size() < GRID; i += step) {
            RgbImage img = shown(valSet, at[i], preset.evalTransform(), null);
            if (img != null) {
                grid.add(new PredictionTile(img, data.classes().get(predicted[i]), data.classes().get(p.labels()[i])));
            }
        }
        List<PredictionTile> mistakes = new ArrayList<>();
        for (Mistake m : metrics.worstMistakes()) {
            RgbImage img = shown(valSet, at[(int) m.index()], preset.evalTransform(), null);
            if (img != null) mistakes.add(PredictionTile.fromMistake(m, data.classes(), img));
        }
        List<RgbImage> augmented = new ArrayList<>();
        ImageTransform t = preset.trainTransform(augment);
        Dataset trainSet = data.train();
        for (int i = 0; i < Math.min(AUGMENTED, trainSet.size()); i++) {
            RgbImage img = shown(trainSet, i * Math.max(1, trainSet.size() / AUGMENTED), t, recipe.seed());
            if (img != null) augmented.add(img);
        }

        Map<String, Object> recipeTable = new LinkedHashMap<>();
        com.google.gson.JsonParser.parseString(recipe.toJson()).getAsJsonObject().entrySet()
                .forEach(e -> recipeTable.put(e.getKey(), e.getValue().isJsonNull() ? "" : e.getValue().toString()
                        .replaceAll("^\"|\"$", "")));
        List<SkippedFile> skippedFiles = skipped.entries().stream().map(e -> new SkippedFile(e.path(), e.reason())).toList();
        int[] trainCounts = data.train().classCounts();
        List<String> warnings = new ArrayList<>(MetricsWarnings.rareClasses(data.classes(), trainCounts));
        List<String> after = MetricsWarnings.afterTraining(metrics, trainCounts, lastTrainLoss(epochs), AutoRecipe.fmt(recipe.lr()));
        warnings.addAll(after);
        new HtmlReport()
                .warnings(warnings)
                .title("Graft run: " + recipe.arch() + " on " + recipe.data())
                .subtitle(dir.toString())
                .stopped(stopped)
                .summary(RunSummary.ofEpoch(recipe.arch(), saved.sourceWeights(), recipe.strategy().toString(), epochs, bestEpoch))
                .recipe(recipeTable)
                .lrFinder(lrFinderPng, lrFinderCaption)
                .data(new DataSummary(data.classes(), data.counts(skipped), skippedFiles))
                .epochs(epochs)
                .metrics(metrics)
                .confusionMatrix(data.classes(), metrics.confusionMatrix())
                .predictions(grid)
                .mistakes(mistakes)
                .augmentedSamples(augmented)
                .write(dir.resolve(TrainingRun.REPORT));
        return after;
    }

    /** Sample {@code i} as the model saw it (uint8, before normalisation); null when unreadable. */
    private static RgbImage shown(Dataset data, int i, ImageTransform t, Long seed) {
        try {
            return t.apply(data.image(i), Loader.sampleRandom(seed == null ? 0 : seed, 0, i));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The last epoch's training loss, NaN without epochs. */
    private static double lastTrainLoss(List<EpochRecord> epochs) {
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).trainLoss();
    }
}
