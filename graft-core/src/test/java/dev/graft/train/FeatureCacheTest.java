package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Head training on cached backbone features gives the same head and validation accuracy as
 * recomputing the frozen backbone every epoch (ResNet-18, 32 px), and prints the epoch-time ratio.
 */
class FeatureCacheTest {
    static final int TRAIN = 16, VAL = 8, BATCH = 4, PX = 32, EPOCHS = 2, CLASSES = 4;
    static final long SEED = 5;

    static float[] image(int i) {
        float[] x = new float[3 * PX * PX];
        for (int j = 0; j < x.length; j++) x[j] = (TrainFixtures.hash32(i * 7777 + j) >>> 16) / 32768f - 1f;
        return x;
    }

    static int label(int i) { return Integer.remainderUnsigned(TrainFixtures.hash32(i + 31337), CLASSES); }

    static List<Batch> imageBatches(int offset, int[] order) {
        List<Batch> out = new ArrayList<>();
        int size = 3 * PX * PX;
        for (int s = 0; s < order.length; s += BATCH) {
            int n = Math.min(BATCH, order.length - s);
            float[] x = new float[n * size];
            int[] y = new int[n];
            for (int k = 0; k < n; k++) {
                System.arraycopy(image(offset + order[s + k]), 0, x, k * size, size);
                y[k] = label(offset + order[s + k]);
            }
            out.add(Batch.images(x, y, n, PX, PX));
        }
        return out;
    }

    static int[] identity(int n) { return java.util.stream.IntStream.range(0, n).toArray(); }

    static ImageModel headModel(ModelSpec spec) {
        Rng.manualSeed(0);
        ImageModel m = spec.build(CLASSES);
        Strategy.HEAD.apply(m, spec, null, BnPolicy.FROZEN);
        return m;
    }

    @Test
    void cachedFeaturesTrainTheSameHead() {
        ModelSpec spec = Zoo.get("resnet18");
        List<Batch> val = imageBatches(1000, identity(VAL));
        Fit.Result slow, fast;
        float[] slowFc, fastFc;
        try (ImageModel m = headModel(spec)) {
            TrainData data = new TrainData() {
                @Override public Iterable<Batch> train(int e) { return imageBatches(0, FeatureCache.shuffled(TRAIN, SEED, e)); }
                @Override public Iterable<Batch> val() { return val; }
            };
            slow = new Fit(m, new SGD(Optimizer.single(m.namedParameters()), 0.05, 0.9), new CrossEntropyLoss())
                    .epochs(EPOCHS).restoreBest(false).run(data);
            slowFc = m.stateDict().get("fc.weight").toFloats();
        }
        long t0 = System.nanoTime();
        double cacheSeconds;
        try (ImageModel m = headModel(spec)) {
            FeatureCache train = FeatureCache.compute(m, imageBatches(0, identity(TRAIN)));
            FeatureCache valCache = FeatureCache.compute(m, val);
            cacheSeconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(512, train.dim());
            fast = new Fit(m, new SGD(Optimizer.single(m.namedParameters()), 0.05, 0.9), new CrossEntropyLoss())
                    .epochs(EPOCHS).restoreBest(false).forward(m::forwardHead)
                    .run(FeatureCache.trainData(List.of(train), valCache, BATCH, e -> FeatureCache.shuffled(TRAIN, SEED, e)));
            fastFc = m.stateDict().get("fc.weight").toFloats();
        }
        double err = TrainParityTest.relativeError(fastFc, slowFc);
        assertTrue(err < 1e-5, "head weights differ by " + err);
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(slow.history().get(e).val().accuracy(), fast.history().get(e).val().accuracy(), "val acc epoch " + e);
            assertEquals(slow.history().get(e).train().loss(), fast.history().get(e).train().loss(), 1e-5);
        }
        double slowEpoch = slow.history().stream().mapToDouble(h -> h.train().seconds() + h.val().seconds()).average().orElseThrow();
        double fastEpoch = fast.history().stream().mapToDouble(h -> h.train().seconds() + h.val().seconds()).average().orElseThrow();
        System.out.printf("feature cache: head weights rel err %.2e; epoch %.3f s recomputed vs %.4f s cached (ratio %.0fx), "
                + "cache build %.2f s%n", err, slowEpoch, fastEpoch, slowEpoch / fastEpoch, cacheSeconds);
    }
}
