package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import dev.graft.models.ImageModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fluent API end to end: pretrained weights with another head, staged fine-tuning, schedule, predict. */
class LearnerTest {
    @Test
    void stagedFineTuneTrainsTheHeadFirstThenEverything() {
        Map<String, TensorData> imagenet;
        Rng.manualSeed(9);
        try (ImageModel other = Zoo.get("resnet18").build(1000)) {
            imagenet = other.stateDict();
        }
        TrainData data = new TrainData() {
            @Override public Iterable<Batch> train(int e) { return FeatureCacheTest.imageBatches(0, FeatureCache.shuffled(8, 1, e)); }
            @Override public Iterable<Batch> val() { return FeatureCacheTest.imageBatches(100, FeatureCacheTest.identity(4)); }
            @Override public int trainBatches() { return 2; }
        };
        float[][] afterFirst = new float[2][];
        Learner learner = Learner.create("resnet18", 4)
                .weights(imagenet)
                .strategy(Strategy.FINETUNE)
                .backboneLrMult(0.1)
                .freezeEpochs(1)
                .sgd(0.01, 0.9)
                .stepLR(1, 0.5)
                .epochs(2)
                .listener(new FitListener() {
                    @Override
                    public void epochEnd(Fit.EpochResult r, Fit fit) {
                        if (r.epoch() == 1) {
                            var s = fit.model().stateDict();
                            afterFirst[0] = s.get("layer1.0.conv1.weight").toFloats();
                            afterFirst[1] = s.get("layer1.0.bn1.running_mean").toFloats();
                        }
                    }
                });
        assertTrue(learner.notice().contains("fc.weight"), learner.notice());
        Fit.Result r = learner.fit(data);
        assertEquals(Fit.Status.COMPLETED, r.status());
        // epoch 1: backbone weights and BatchNorm statistics untouched (frozen, BN policy FROZEN)
        assertArrayEquals(imagenet.get("layer1.0.conv1.weight").toFloats(), afterFirst[0]);
        assertArrayEquals(imagenet.get("layer1.0.bn1.running_mean").toFloats(), afterFirst[1]);
        // learning rates after two StepLR(1, 0.5) steps: backbone 0.01 * 0.1 / 4, head 0.01 / 4
        assertArrayEquals(new double[] {0.00025, 0.0025}, r.history().get(1).lrs(), 1e-12);
        // stopped on the best epoch's weights; with restoreBest the backbone may be from epoch 1
        Predict.Predictions p = learner.predict(FeatureCacheTest.imageBatches(100, FeatureCacheTest.identity(4)));
        assertEquals(4, p.size());
        assertEquals(4, p.numClasses());
        assertEquals(r.bestAccuracy(), p.accuracy(), 1e-12);
        boolean changed = !Arrays.equals(imagenet.get("layer1.0.conv1.weight").toFloats(),
                learner.model().stateDict().get("layer1.0.conv1.weight").toFloats());
        assertEquals(r.bestEpoch() == 2, changed);
        learner.model().close();
    }

    /** With a shuffling Loader the cache follows the loader's order: same head, same accuracies. */
    @Test
    void featureCacheWithALoaderEqualsRecomputing() {
        var all = dev.graft.data.IdxDataset.load(java.nio.file.Path.of("src/main/resources/dev/graft/demo"), true,
                dev.graft.data.IdxDataset.FASHION_CLASSES, "fashion");
        var train = dev.graft.data.Subset.perClass(all, 3, 1);
        var val = dev.graft.data.Subset.perClass(all, 1, 2);
        float[][] fc = new float[2][];
        Fit.Result[] results = new Fit.Result[2];
        for (int cached = 0; cached < 2; cached++) {
            var tl = dev.graft.data.Loader.builder(train).transform(new dev.graft.data.transforms.Resize(32))
                    .batchSize(7).shuffle(true).seed(3).workers(0).build();
            var vl = dev.graft.data.Loader.builder(val).transform(new dev.graft.data.transforms.Resize(32))
                    .batchSize(10).workers(0).build();
            Learner l = Learner.create("resnet18", 10, 4).strategy(Strategy.HEAD).sgd(0.05, 0.9).epochs(3)
                    .cacheFeatures(cached == 1);
            results[cached] = l.fit(new LoaderData(tl, vl));
            fc[cached] = l.model().stateDict().get("fc.weight").toFloats();
            l.model().close();
        }
        assertTrue(TrainParityTest.relativeError(fc[1], fc[0]) < 1e-5);
        for (int e = 0; e < 3; e++) {
            assertEquals(results[0].history().get(e).val().accuracy(), results[1].history().get(e).val().accuracy());
            double loss = results[0].history().get(e).train().loss();
            // cached features come from the BatchNorm-folded backbone: equal up to float rounding
            assertEquals(loss, results[1].history().get(e).train().loss(), 1e-5 * Math.max(1, Math.abs(loss)));
        }
    }

    @Test
    void headStrategyWithFeatureCache() {
        TrainData data = TrainData.of(FeatureCacheTest.imageBatches(0, FeatureCacheTest.identity(8)),
                FeatureCacheTest.imageBatches(100, FeatureCacheTest.identity(4)));
        Learner learner = Learner.create("resnet18", 4).strategy(Strategy.HEAD).cacheFeatures(true)
                .adam(1e-3).oneCycle(1e-2).epochs(2);
        Fit.Result r = learner.fit(data);
        assertEquals(Fit.Status.COMPLETED, r.status());
        assertEquals(4, r.steps());
        assertEquals(List.of(1, 2), r.history().stream().map(Fit.EpochResult::epoch).toList());
        learner.model().close();
    }
}
