package dev.graft.train.loss;

import dev.graft.GraftException;

/**
 * Per-class loss weights (the {@code --class-weights} option). {@code NONE}: every class
 * counts the same. {@code BALANCED}: class {@code c} weighs {@code n_samples / (n_classes * n_c)},
 * as scikit-learn's {@code compute_class_weight("balanced", ...)}, so a rare class's mistakes
 * cost as much in total as a common one's; the weights go to {@link CrossEntropyLoss} or
 * {@link NLLLoss} exactly as {@code torch.nn.CrossEntropyLoss(weight=...)} takes them.
 */
public enum ClassWeights {
    NONE, BALANCED;

    /** The weights for these training counts per class (indexed by label); null for {@code NONE}. */
    public float[] weights(int[] counts) {
        if (this == NONE) return null;
        long total = 0;
        for (int c : counts) total += c;
        float[] w = new float[counts.length];
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                throw new GraftException("balanced class weights need at least one training image of every class;"
                        + " class " + c + " has none.");
            }
            w[c] = (float) ((double) total / ((double) counts.length * counts[c]));
        }
        return w;
    }
}
