package dev.graft.report;

/**
 * One epoch of a training run as the report and {@code metrics.csv} see it. Accuracies are
 * fractions in [0, 1]; {@code lr} is the learning rate used during the epoch; a value that
 * was not measured (no validation split, say) is NaN.
 */
public record EpochRecord(int epoch, double trainLoss, double trainAcc, double valLoss,
                          double valAcc, double lr, double seconds, double imagesPerSecond) {}
