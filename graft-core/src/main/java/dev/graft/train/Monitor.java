package dev.graft.train;

/**
 * What picks the best epoch and drives early stopping (the {@code --monitor} option):
 * validation accuracy (the default, the tutorial's {@code train_model}), validation loss
 * (lower is better) or validation macro-F1 (the mean F1 over classes, which a model that
 * ignores a rare class cannot score well on).
 */
public enum Monitor {
    VAL_ACC("validation accuracy"), VAL_LOSS("validation loss"), MACRO_F1("validation macro-F1");

    private final String description;

    Monitor(String description) { this.description = description; }

    /** The monitored value of a validation phase, higher is better (the loss is negated). */
    public double score(Fit.PhaseResult val) {
        return switch (this) {
            case VAL_ACC -> val.accuracy();
            case VAL_LOSS -> -val.loss();
            case MACRO_F1 -> val.macroF1();
        };
    }

    /** In words, for messages: "validation accuracy". */
    public String description() { return description; }

    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
}
