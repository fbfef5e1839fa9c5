package dev.graft.report;

import dev.graft.GraftException;
import dev.graft.eval.Evaluation;
import dev.graft.eval.Metrics;
import dev.graft.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files {@code graft evaluate} leaves for an {@link Evaluation.Result}: the confusion
 * matrix and the grid of the most confident mistakes as PNG pictures, and the metrics as JSON.
 */
public final class EvaluationFiles {
    /** File names {@link #write} uses inside the output folder. */
    public static final String CONFUSION_PNG = "confusion_matrix.png", MISTAKES_PNG = "mistakes.png",
            METRICS_JSON = "metrics.json";

    private EvaluationFiles() {}

    /** The files {@link #write} made; {@code mistakesPng} is null when there was no mistake. */
    public record Written(Path confusionPng, Path mistakesPng, Path metricsJson) {}

    /**
     * Writes {@code confusion_matrix.png}, {@code mistakes.png} (when there are mistakes; an
     * old one is removed otherwise) and {@code metrics.json} into {@code dir}, each atomically.
     */
    public static Written write(Evaluation.Result result, Path dir) {
        Metrics m = result.metrics();
        Path cm = dir.resolve(CONFUSION_PNG);
        Plots.writePng(Plots.confusionMatrix(m.classes(), m.confusionMatrix()), cm);
        Path grid = null;
        if (!result.mistakes().isEmpty()) {
            grid = dir.resolve(MISTAKES_PNG);
            Plots.writePng(Plots.predictionGrid(result.mistakes(), Plots.GRID_COLUMNS), grid);
        } else {
            try {
                // a grid left from an earlier evaluation would show mistakes this one did not make
                Files.deleteIfExists(dir.resolve(MISTAKES_PNG));
            } catch (IOException e) {
                throw new GraftException("cannot remove the old " + dir.resolve(MISTAKES_PNG) + ": " + GraftException.reason(e), e);
            }
        }
        Path json = dir.resolve(METRICS_JSON);
        byte[] bytes = m.toJson().getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(json, bytes);
        } catch (IOException e) {
            throw new GraftException("cannot write " + json + ": " + GraftException.reason(e), e);
        }
        return new Written(cm, grid, json);
    }
}
