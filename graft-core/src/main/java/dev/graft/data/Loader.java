package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.ToTensorNormalize;
import dev.graft.image.RgbImage;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches a {@link Dataset} for training, like torch's {@code DataLoader}: a seeded shuffle per
 * epoch, {@code drop_last}, and decoding + augmentation + normalization on {@code workers}
 * threads with a bounded number of batches in flight, so the training step never waits when
 * decoding is cheaper than the step. A training loader ({@link Builder#forTraining}) drops a
 * final remainder of exactly one image, as PyTorch users do with {@code drop_last=True}: a batch
 * of one cannot go through BatchNorm in training mode. Unreadable images never shrink a batch
 * (see below), so the remainder is the only source of such a batch. Everything random is drawn from generators derived from
 * (seed, epoch) for the order and (seed, epoch, dataset index) for each image's augmentation,
 * so the batches are bit-identical whatever the number of workers or thread timing. Unlike
 * torch, the shuffle is Graft's own (Fisher-Yates over {@link SplittableRandom}), not
 * {@code torch.randperm}'s.
 *
 * <p>Unreadable images (zero-byte, truncated, corrupt, not an image) are found lazily: when
 * dataset index {@code i} fails to decode it is recorded in the {@link SkipList} (one warning
 * per file) and the first readable index after it ({@code i+1, i+2, ...}, wrapping around) takes
 * its place, with {@code i}'s randomness. The replacement depends only on which files are
 * unreadable, never on timing, so batches stay deterministic; a file found bad is not decoded
 * again. Only when no image at all can be read does the loader throw.
 */
public final class Loader implements AutoCloseable {
    private final Dataset dataset;
    private final ImageTransform transform;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final boolean dropSingleLast;
    private final long seed;
    private final int workers;
    private final int prefetch;
    private final ToTensorNormalize normalize;
    private final SkipList skipped;
    private final Sampler sampler;
    /** What its images are called in "none of the 8 training images could be read" ("" or "training "). */
    private final String images;
    private final ExecutorService pool;
    private final ConcurrentHashMap<Integer, Boolean> bad = new ConcurrentHashMap<>();
    private final BlockingQueue<float[]> buffers;
    private volatile boolean closed;

    private Loader(Builder b) {
        this.dataset = b.dataset;
        this.transform = b.transform;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.dropSingleLast = b.dropSingleLast;
        this.seed = b.seed;
        this.workers = b.workers;
        this.prefetch = b.prefetch > 0 ? b.prefetch : 2;
        this.normalize = b.normalize;
        this.skipped = b.skipped != null ? b.skipped : new SkipList();
        this.sampler = b.sampler;
        this.images = b.training ? "training " : "";
        this.buffers = new ArrayBlockingQueue<>(this.prefetch + 2);
        if (workers > 0) {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "graft-loader-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.pool = null;
        }
    }

    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** Loader settings; defaults as torch's DataLoader except workers (= cores) and the transform. */
    public static final class Builder {
        private final Dataset dataset;
        private ImageTransform transform = (img, rng) -> img;
        private int batchSize = 1;
        private boolean shuffle = false;
        private boolean dropLast = false;
        private boolean dropSingleLast = false;
        private long seed = 0;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int prefetch = 2;
        private ToTensorNormalize normalize = ToTensorNormalize.imagenet();
        private SkipList skipped;
        private Sampler sampler;
        private boolean training;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /** Applied to each decoded image; every output must have the same size. */
        public Builder transform(ImageTransform t) {
            this.transform = t;
            return this;
        }

        public Builder batchSize(int n) {
            if (n <= 0) throw new GraftException("Batch size must be positive, got " + n + ".");
            this.batchSize = n;
            return this;
        }

        public Builder shuffle(boolean s) {
            this.shuffle = s;
            return this;
        }

        public Builder dropLast(boolean d) {
            this.dropLast = d;
            return this;
        }

        /**
         * Drops a final batch of exactly one image (when there is another batch), so training
         * through BatchNorm never sees a batch of one; each epoch's shuffle leaves out another image.
         */
        public Builder dropSingleLast(boolean d) {
            this.dropSingleLast = d;
            return this;
        }

        /**
         * A training loader: shuffled each epoch, and no final batch of one ({@link #dropSingleLast});
         * when no image reads, the message says the training images (the validation ones were not tried).
         */
        public Builder forTraining() {
            training = true;
            return shuffle(true).dropSingleLast(true);
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Worker threads; 0 decodes on the calling thread, as torch's num_workers=0. */
        public Builder workers(int n) {
            if (n < 0) throw new GraftException("--workers must be 0 or more, got " + n + ".");
            this.workers = n;
            return this;
        }

        /** Batches decoded ahead of the consumer (default 2); bounds memory. */
        public Builder prefetch(int n) {
            this.prefetch = Math.max(1, n);
            return this;
        }

        /** ToTensor + Normalize at the end of every sample (default: ImageNet statistics). */
        public Builder normalize(ToTensorNormalize n) {
            this.normalize = n;
            return this;
        }

        /** Where unreadable images are recorded (default: a new list warning on stderr). */
        public Builder skipList(SkipList s) {
            this.skipped = s;
            return this;
        }

        /** Visits the sampler's indices each epoch instead of the (shuffled) dataset order; null: none. */
        public Builder sampler(Sampler s) {
            this.sampler = s;
            return this;
        }

        public Loader build() {
            return new Loader(this);
        }
    }

    public Dataset dataset() {
        return dataset;
    }

    public SkipList skipped() {
        return skipped;
    }

    public int batchSize() {
        return batchSize;
    }

    public int workers() {
        return workers;
    }

    /** Batches per epoch: {@code size/batch} with dropLast, else rounded up, less a final batch of one if so set. */
    public int batchesPerEpoch() {
        int n = dataset.size(), full = n / batchSize, rest = n % batchSize;
        if (dropLast || (dropSingleLast && rest == 1 && full > 0)) return full;
        return full + (rest > 0 ? 1 : 0);
    }

    /** The dataset indices of epoch {@code e} in the order they will be batched. */
    public int[] order(int epoch) {
        if (sampler != null) return sampler.order(epoch);
        int[] order = new int[dataset.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) Subset.shuffle(order, new SplittableRandom(mix(mix(mix(seed) + epoch) + Long.MIN_VALUE)));
        return order;
    }

    /** The generator for the augmentation of dataset index {@code index} in {@code epoch}. */
    public static SplittableRandom sampleRandom(long seed, int epoch, int index) {
        return new SplittableRandom(mix(mix(mix(seed) + epoch) + index));
    }

    // SplitMix64's finalizer: spreads (seed, epoch, index) so nearby values give unrelated streams.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Starts epoch {@code e}; close it (try-with-resources) to stop its work early. */
    public Epoch epoch(int e) {
        return new Epoch(e);
    }

    /**
     * Stops the worker threads: queued images are dropped, an image being decoded is finished
     * (no interrupts, so no file read is cut short and mistaken for a bad file), and a
     * consumer waiting in {@link Epoch#next()} gets an IllegalStateException.
     */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(10, TimeUnit.SECONDS)) pool.shutdownNow();
            } catch (InterruptedException ex) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    void recycle(float[] buffer) {
        buffers.offer(buffer);
    }

    private float[] buffer(int length) {
        for (int tries = buffers.size(); tries > 0; tries--) {
            float[] b = buffers.poll();
            if (b == null) break;
            if (b.length == length) return b;
        }
        return new float[length];
    }

    /** One pass over the data: an iterator (and iterable, once) of batches. */
    public final class Epoch implements Iterator<Batch>, Iterable<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int batches;
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        private int submitted;
        private volatile boolean cancelled;

        private Epoch(int epoch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.batches = batchesPerEpoch();
            fill();
        }

        private void fill() {
            int window = pool == null ? 1 : prefetch;
            while (inFlight.size() < window && submitted < batches && !cancelled) {
                Pending p = new Pending(submitted++);
                inFlight.add(p);
                if (pool == null) continue; // decoded by next() on the caller's thread
                for (int s = 0; s < p.labels.length; s++) {
                    int slot = s;
                    pool.execute(() -> p.run(slot));
                }
            }
        }

        @Override
        public boolean hasNext() {
            return !cancelled && !inFlight.isEmpty();
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            Pending p = inFlight.poll();
            if (pool == null) {
                for (int s = 0; s < p.labels.length; s++) p.run(s);
            }
            try {
                while (!p.done.await(100, TimeUnit.MILLISECONDS)) {
                    if (closed && (pool == null || pool.isTerminated())) break;
                }
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + p.number, e);
            }
            if (closed) {
                close();
                throw new IllegalStateException("the loader was closed during epoch " + epoch);
            }
            if (p.error != null) {
                close();
                if (p.error instanceof RuntimeException re) throw re;
                throw new IllegalStateException("loading batch " + p.number + " failed", p.error);
            }
            fill();
            return new Batch(epoch, p.number, p.height, p.width, p.data, p.labels, p.indices, Loader.this);
        }

        @Override
        public Iterator<Batch> iterator() {
            return this;
        }

        /** Stops this epoch: queued samples are dropped, running ones finish one image. */
        @Override
        public void close() {
            cancelled = true;
            inFlight.clear();
        }

        // A batch being filled by the workers, one task per image.
        private final class Pending {
            final int number;
            final int start;
            final int[] labels;
            final int[] indices;
            final CountDownLatch done;
            volatile float[] data;
            int height;
            int width;
            volatile Throwable error;

            Pending(int number) {
                this.number = number;
                this.start = number * batchSize;
                int n = Math.min(batchSize, order.length - start);
                this.labels = new int[n];
                this.indices = new int[n];
                this.done = new CountDownLatch(n);
            }

            void run(int slot) {
                try {
                    if (cancelled || closed || error != null) return;
                    int idx = order[start + slot];
                    Decoded d = readable(idx, () -> sampleRandom(seed, epoch, idx));
                    int used = d.index();
                    RgbImage img = d.image();
                    float[] out = ensureData(img.width(), img.height());
                    labels[slot] = dataset.label(used);
                    indices[slot] = used;
                    normalize.apply(img, out, slot * 3 * img.width() * img.height());
                } catch (Throwable t) {
                    if (error == null) error = t;
                } finally {
                    done.countDown();
                }
            }

            private synchronized float[] ensureData(int w, int h) {
                if (data == null) {
                    width = w;
                    height = h;
                    data = buffer(labels.length * 3 * w * h);
                } else if (w != width || h != height) {
                    throw new GraftException("Images in one batch must have the same size, but the transform gave "
                            + width + "x" + height + " and " + w + "x" + h + "; add a resize/crop to a fixed size.");
                }
                return data;
            }
        }
    }

    private record Decoded(int index, RgbImage image) {}

    // The first index at or after idx (wrapping) whose image decodes, transformed with idx's randomness.
    private Decoded readable(int idx, java.util.function.Supplier<SplittableRandom> rng) {
        int n = dataset.size();
        for (int k = 0; k < n; k++) {
            int j = (idx + k) % n;
            if (bad.containsKey(j)) continue;
            try {
                return new Decoded(j, dataset.image(j, transform, rng.get()));
            } catch (Exception e) {
                // A read cut short by an interrupt says nothing about the file.
                if (Thread.currentThread().isInterrupted() || e instanceof ClosedByInterruptException
                        || e instanceof InterruptedIOException) {
                    throw new CancellationException("interrupted while reading " + dataset.source(j));
                }
                // Decoders may also throw unchecked exceptions on corrupt data: same treatment.
                bad.put(j, Boolean.TRUE);
                String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                skipped.add(dataset.source(j), reason);
            }
        }
        var first = skipped.entries().stream().findFirst();
        throw new GraftException("none of the " + n + " " + images + "images could be read"
                + first.map(e -> " (" + e.path() + ": " + e.reason() + ")").orElse("") + ".");
    }
}
