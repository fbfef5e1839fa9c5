package dev.graft.train;

import dev.graft.models.ImageModel;
import dev.graft.nn.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Pooled backbone features of every sample, computed once: with the backbone frozen (and its
 * BatchNorm frozen) and no random augmentation, {@code forwardFeatures} gives the same vector
 * every epoch, so head-only training can run on the cache at a fraction of the cost, one
 * backbone pass per image in total. Held in memory ({@code samples x dim} floats: 10,000
 * ResNet-50 images take 80 MB). With augmentation, {@link #views} caches K augmented views
 * and the epoch with 0-based index {@code e} (the data side's numbering, {@link TrainData})
 * trains on view {@code e mod K}.
 */
public final class FeatureCache {
    private final float[] features;
    private final int[] labels;
    private final int dim;
    /** Sample id of each row: its dataset index when the batches carried them, else the row number. */
    private final int[] ids;
    private final java.util.HashMap<Integer, Integer> rowOf = new java.util.HashMap<>();
    private final int[] sortedIds;

    private FeatureCache(float[] features, int[] labels, int dim, int[] ids) {
        this.features = features;
        this.labels = labels;
        this.dim = dim;
        this.ids = ids;
        for (int r = 0; r < ids.length; r++) rowOf.putIfAbsent(ids[r], r);
        sortedIds = rowOf.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Runs the backbone in eval mode over the batches (the model's mode is restored). */
    public static FeatureCache compute(ImageModel model, Iterable<Batch> images) {
        var p = Predict.run(model, model::forwardFeatures, images);
        int[] ids = p.indices();
        if (Arrays.stream(ids).anyMatch(i -> i < 0)) ids = IntStream.range(0, ids.length).toArray(); // batches without indices
        return new FeatureCache(p.outputs(), p.labels(), p.numClasses(), ids);
    }

    /**
     * A cache of features computed elsewhere ({@code graft train --features}): row {@code i} of
     * {@code features} ({@code size x dim}, row-major) has label {@code labels[i]} and sample id {@code i}.
     */
    public static FeatureCache of(float[] features, int[] labels, int dim) {
        if ((long) labels.length * dim != features.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * dim
                    + " features of dimension " + dim + ", got " + features.length);
        }
        int[] ids = new int[labels.length];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        return new FeatureCache(features, labels, dim, ids);
    }

    /** K caches, view {@code k} computed from {@code view.apply(k)} (e.g. the train set augmented with seed k). */
    public static List<FeatureCache> views(ImageModel model, IntFunction<Iterable<Batch>> view, int k) {
        List<FeatureCache> out = new ArrayList<>();
        for (int i = 0; i < k; i++) out.add(compute(model, view.apply(i)));
        return out;
    }

    public int size() { return labels.length; }

    public int dim() { return dim; }

    /**
     * Batches of the cached features for the given sample ids in order (dataset indices when
     * the cached batches carried them, else row numbers). An id the cache lacks (an unreadable
     * image the loader replaced) takes the next cached id after it, wrapping, as the loader does.
     */
    public List<Batch> batches(int[] order, int batchSize) {
        List<Batch> out = new ArrayList<>();
        for (int start = 0; start < order.length; start += batchSize) {
            int n = Math.min(batchSize, order.length - start);
            float[] x = new float[n * dim];
            int[] y = new int[n];
            int[] ix = new int[n];
            for (int i = 0; i < n; i++) {
                int row = rowFor(order[start + i]);
                System.arraycopy(features, row * dim, x, i * dim, dim);
                y[i] = labels[row];
                ix[i] = ids[row];
            }
            out.add(new Batch(x, y, new long[] {n, dim}, ix));
        }
        return out;
    }

    private int rowFor(int id) {
        Integer r = rowOf.get(id);
        if (r != null) return r;
        int pos = Arrays.binarySearch(sortedIds, id);
        pos = pos >= 0 ? pos : -pos - 1;
        return rowOf.get(sortedIds[pos % sortedIds.length]);
    }

    /** Sample ids in stored order. */
    public int[] identity() { return ids.clone(); }

    /** The stored ids in a Fisher-Yates order drawn from {@code Rng.mix(seed, epoch)}. */
    public int[] shuffledIds(long seed, int epoch) {
        int[] perm = shuffled(size(), seed, epoch), out = new int[perm.length];
        for (int i = 0; i < out.length; i++) out[i] = ids[perm[i]];
        return out;
    }

    /** A Fisher-Yates permutation of {@code n} samples drawn from {@code Rng.mix(seed, epoch)}. */
    public static int[] shuffled(int n, long seed, int epoch) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = i;
        SplittableRandom r = new SplittableRandom(Rng.mix(seed, epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    /**
     * Training data over cached views: the epoch with 0-based index {@code e} uses view
     * {@code e mod K} with the sample ids {@code order.apply(e)} (see {@link #batches});
     * validation on {@code val} in stored order. Train with {@code fit.forward(model::forwardHead)}.
     */
    public static TrainData trainData(List<FeatureCache> train, FeatureCache val, int batchSize, IntFunction<int[]> order) {
        return new TrainData() {
            @Override
            public Iterable<Batch> train(int epoch) {
                return train.get(epoch % train.size()).batches(order.apply(epoch), batchSize);
            }

            @Override
            public Iterable<Batch> val() { return val == null ? List.of() : val.batches(val.identity(), batchSize); }

            @Override
            public int trainBatches() { return (train.get(0).size() + batchSize - 1) / batchSize; }

            @Override
            public int valBatches() { return val == null ? 0 : (val.size() + batchSize - 1) / batchSize; }
        };
    }

    /** The features of one sample (a copy). */
    public float[] row(int i) { return Arrays.copyOfRange(features, i * dim, (i + 1) * dim); }

}
