package dev.graft.report;

/**
 * One epoch of a training run as the report and {@code metrics.csv} see it. Accuracies are
 * fractions in [0, 1]; {@code lr} is the learning rate used during the epoch; the validation
 * balanced accuracy and macro-F1 show what the accuracy hides on imbalanced data; a value
 * that was not measured (no validation split, an older metrics file) is NaN.
 */
public record EpochRecord(int epoch, double trainLoss, double trainAcc, double valLoss,
                          double valAcc, double lr, double seconds, double imagesPerSecond,
                          double valBalancedAcc, double valMacroF1) {
    /** An epoch without balanced accuracy and macro-F1. */
    public EpochRecord(int epoch, double trainLoss, double trainAcc, double valLoss, double valAcc, double lr,
                       double seconds, double imagesPerSecond) {
        this(epoch, trainLoss, trainAcc, valLoss, valAcc, lr, seconds, imagesPerSecond, Double.NaN, Double.NaN);
    }
}
