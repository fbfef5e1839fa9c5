package dev.graft.eval;

import dev.graft.image.RgbImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One image of a prediction grid with the predicted and true class names; {@code note}
 * (may be null) is an extra small line such as a confidence or a file name.
 */
public record PredictionTile(RgbImage image, String predicted, String actual, String note) {
    public PredictionTile(RgbImage image, String predicted, String actual) {
        this(image, predicted, actual, null);
    }

    /**
     * A tile for one of {@link Metrics#worstMistakes()}: its note is the confidence and the
     * file name of the source (the image itself the caller loads from {@code m.source()}).
     */
    public static PredictionTile fromMistake(Mistake m, List<String> classes, RgbImage image) {
        String src = m.source() == null ? "" : "  " + Path.of(m.source()).getFileName();
        return new PredictionTile(image, classes.get(m.predictedLabel()),
                classes.get(m.trueLabel()), String.format(Locale.ROOT, "%.2f%s", m.confidence(), src));
    }

    /** Whether the prediction was right (drawn green) or wrong (red). */
    public boolean correct() {
        return predicted.equals(actual);
    }
}
