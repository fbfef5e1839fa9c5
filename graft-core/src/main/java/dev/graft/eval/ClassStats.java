package dev.graft.eval;

/**
 * Precision, recall, F1 and support of one class, as a row of sklearn's
 * {@code classification_report}. A ratio whose denominator is zero (no sample predicted as,
 * or none truly of, this class) is 0, as sklearn reports it with {@code zero_division="warn"}.
 */
public record ClassStats(String name, double precision, double recall, double f1, int support) {}
