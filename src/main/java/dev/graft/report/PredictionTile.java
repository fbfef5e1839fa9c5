package dev.graft.report;

import dev.graft.data.RgbImage;

/**
 * One image of a prediction grid with the predicted and true class names; {@code note}
 * (may be null) is an extra small line such as a confidence or a file name.
 */
public record PredictionTile(RgbImage image, String predicted, String actual, String note) {
    public PredictionTile(RgbImage image, String predicted, String actual) {
        this(image, predicted, actual, null);
    }

    /** Whether the prediction was right (drawn green) or wrong (red). */
    public boolean correct() {
        return predicted.equals(actual);
    }
}
