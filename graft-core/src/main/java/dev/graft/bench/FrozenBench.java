package dev.graft.bench;

import dev.graft.nn.Engine;
import dev.graft.train.Batch;
import dev.graft.train.Learner;
import dev.graft.train.Strategy;
import dev.graft.train.TrainData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Frozen-backbone training as {@code graft bench --mode frozen} times it: the seeds' feature
 * extraction recipe (backbone frozen, new 10-class head, SGD lr 0.001 momentum 0.9, StepLR 7
 * / 0.1, a train and a val phase per epoch) on a synthetic in-memory set, with Graft's feature
 * cache, so the backbone runs once per image instead of once per image and epoch.
 * {@code bench/pytorch_frozen.py} runs the seeds' loop on the same set size for comparison.
 * Images per second counts every image of every epoch (epochs x samples / seconds); the
 * time includes computing the cache.
 */
public final class FrozenBench {
    private FrozenBench() {}

    public record Result(String arch, int samples, int epochs, int batchSize, int imageSize, double seconds,
                         double imagesPerSecond, long peakRssMb, double finalValAccuracy) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arch", arch);
            m.put("mode", "frozen");
            m.put("samples", samples);
            m.put("epochs", epochs);
            m.put("batch_size", batchSize);
            m.put("image_size", imageSize);
            m.put("threads", Engine.threads());
            m.put("seconds", seconds);
            m.put("images_per_second", imagesPerSecond);
            m.put("peak_rss_mb", peakRssMb);
            m.put("final_val_accuracy", finalValAccuracy);
            return m;
        }
    }

    /** {@code samples} random images (80% train, 20% val) of 10 classes. */
    public static Result run(String arch, int samples, int epochs, int batchSize, int imageSize) {
        int valN = samples / 5, trainN = samples - valN;
        SplittableRandom r = new SplittableRandom(0);
        List<Batch> train = batches(trainN, batchSize, imageSize, r), val = batches(valN, batchSize, imageSize, r);
        Learner learner = Learner.create(arch, 10).quiet().strategy(Strategy.HEAD).cacheFeatures(true)
                .sgd(0.001, 0.9).stepLR(7, 0.1).epochs(epochs).seed(0);
        long t0 = System.nanoTime();
        var result = learner.fit(TrainData.of(train, val));
        double seconds = (System.nanoTime() - t0) / 1e9;
        var last = result.history().get(result.history().size() - 1);
        try (var model = learner.model()) {
            return new Result(arch, samples, epochs, batchSize, imageSize, seconds, (double) epochs * samples / seconds,
                    Memory.peakRssMb(), last.val() == null ? Double.NaN : last.val().accuracy());
        }
    }

    private static List<Batch> batches(int n, int batchSize, int size, SplittableRandom r) {
        List<Batch> out = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            float[] x = new float[b * 3 * size * size];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
            int[] y = new int[b];
            for (int i = 0; i < b; i++) y[i] = (start + i) % 10;
            out.add(Batch.images(x, y, b, size, size));
        }
        return out;
    }
}
