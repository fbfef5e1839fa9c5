package dev.graft.data;

/**
 * Which dataset indices an epoch of a {@link Loader} visits, in order (torch's {@code sampler}
 * argument of {@code DataLoader}). Indices may repeat (sampling with replacement); the same
 * epoch must always give the same order, so a resumed run sees the same batches.
 */
@FunctionalInterface
public interface Sampler {
    int[] order(int epoch);
}
