package dev.graft.eval;

/**
 * One off-diagonal cell of a confusion matrix: {@code count} samples of class
 * {@code trueClass} were predicted as {@code predictedClass}; fastai's {@code most_confused}
 * returns the same triples.
 */
public record ConfusedPair(int trueLabel, int predictedLabel, String trueClass,
                           String predictedClass, int count) {}
