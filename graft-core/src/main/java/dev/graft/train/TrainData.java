package dev.graft.train;

import java.util.List;

/**
 * Where the fit loop gets its batches: the training batches of an epoch (shuffled and
 * augmented by the data side, seeded by the epoch so a resumed run sees the same ones) and
 * the validation batches. Iterables may be lazy; the loop walks each once per epoch. The data
 * side keys epochs by their 0-based index, as the {@link dev.graft.data.Loader} and PyTorch's
 * {@code sampler.set_epoch} do: epoch 1 of the fit loop asks for index 0.
 */
public interface TrainData {
    /** The training batches of the epoch with 0-based index {@code epoch}. */
    Iterable<Batch> train(int epoch);

    /** Validation batches; empty when there is no validation set. */
    default Iterable<Batch> val() { return List.of(); }

    /** Training batches per epoch, for progress bars; -1 when unknown. */
    default int trainBatches() { return -1; }

    /**
     * The dataset indices the training batches of the epoch (0-based index) hold, in order, when the data side
     * can say without loading (a shuffling loader); null otherwise. The feature cache follows it.
     */
    default int[] order(int epoch) { return null; }

    /** Training images per class (indexed by label), for class weights; null when unknown. */
    default int[] classCounts() { return null; }

    /** Validation batches, for progress bars; -1 when unknown. */
    default int valBatches() { return -1; }

    /** Fixed lists of batches (tests, cached features): the same training batches every epoch. */
    static TrainData of(List<Batch> train, List<Batch> val) {
        return new TrainData() {
            @Override public Iterable<Batch> train(int epoch) { return train; }
            @Override public Iterable<Batch> val() { return val; }
            @Override public int trainBatches() { return train.size(); }
            @Override public int valBatches() { return val.size(); }
        };
    }
}
