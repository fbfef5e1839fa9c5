package dev.graft.train;

import dev.graft.data.Loader;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Training data from the data package's {@link Loader}s: epoch {@code e} of the training
 * loader (its seeded shuffle and augmentation) and epoch 0 of the validation loader. Each
 * loader batch is copied into a {@link Batch} and handed back to the loader's buffer pool at
 * once, so the fit loop may hold on to batches as long as it likes.
 */
public final class LoaderData implements TrainData {
    private final Loader train, val;

    /** {@code val} may be null (no validation phase). */
    public LoaderData(Loader train, Loader val) {
        this.train = train;
        this.val = val;
    }

    @Override
    public Iterable<Batch> train(int epoch) { return batches(train, epoch); }

    @Override
    public Iterable<Batch> val() { return val == null ? java.util.List.of() : batches(val, 0); }

    @Override
    public int trainBatches() { return train.batchesPerEpoch(); }

    /** The loader's sample order of the epoch, cut to the samples its batches use. */
    @Override
    public int[] order(int epoch) {
        int[] o = train.order(epoch);
        return java.util.Arrays.copyOf(o, Math.min(o.length, train.batchesPerEpoch() * train.batchSize()));
    }

    @Override
    public int[] classCounts() { return train.dataset().classCounts(); }

    @Override
    public int valBatches() { return val == null ? 0 : val.batchesPerEpoch(); }

    /** One epoch of a loader as training batches. */
    public static Iterable<Batch> batches(Loader loader, int epoch) {
        return () -> new Iterator<>() {
            final Loader.Epoch it = loader.epoch(epoch);

            @Override
            public boolean hasNext() {
                boolean more = it.hasNext();
                if (!more) it.close();
                return more;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                try (dev.graft.data.Batch b = it.next()) {
                    return new Batch(b.data().clone(), b.labels().clone(), b.shape(), b.indices().clone());
                }
            }
        };
    }
}
