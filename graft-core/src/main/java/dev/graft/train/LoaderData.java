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

    /** The validation loader's one pass, without unreadable images ({@link #readable}). */
    @Override
    public Iterable<Batch> val() { return val == null ? java.util.List.of() : readable(val); }

    /**
     * One pass of an unshuffled loader, in dataset order, without the stand-ins the loader puts in
     * place of unreadable images: an image that cannot be read is left out of validation metrics
     * (as {@code graft evaluate} leaves it out), not counted as the next image with its label.
     */
    public static Iterable<Batch> readable(Loader loader) {
        return () -> new Iterator<>() {
            final Iterator<Batch> it = batches(loader, 0).iterator();
            int position;
            Batch next;

            @Override
            public boolean hasNext() {
                while (next == null && it.hasNext()) next = readable(it.next());
                return next != null;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                Batch b = next;
                next = null;
                return b;
            }

            /** The batch's samples that are the image at their own position; null when there are none. */
            private Batch readable(Batch b) {
                int n = b.n(), kept = 0, size = b.x().length / n;
                int[] keep = new int[n];
                for (int k = 0; k < n; k++, position++) if (b.indices()[k] == position) keep[kept++] = k;
                if (kept == n) return b;
                if (kept == 0) return null;
                float[] x = new float[kept * size];
                int[] labels = new int[kept], indices = new int[kept];
                for (int j = 0; j < kept; j++) {
                    System.arraycopy(b.x(), keep[j] * size, x, j * size, size);
                    labels[j] = b.labels()[keep[j]];
                    indices[j] = b.indices()[keep[j]];
                }
                long[] shape = b.shape().clone();
                shape[0] = kept;
                return new Batch(x, labels, shape, indices);
            }
        };
    }

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
