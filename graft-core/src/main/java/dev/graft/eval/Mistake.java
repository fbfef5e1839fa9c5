package dev.graft.eval;

/**
 * A wrong prediction kept for the "worst mistakes" grid: the model gave
 * {@code predictedLabel} probability {@code confidence} while the truth was
 * {@code trueLabel} (which got {@code trueProbability}). {@code source} identifies the sample
 * (usually the image path) and may be null; {@code index} is the order in which it was added.
 */
public record Mistake(long index, int trueLabel, int predictedLabel, double confidence,
                      double trueProbability, String source) {}
