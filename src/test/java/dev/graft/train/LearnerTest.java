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
                .freezeEpochs(1)
                .sgd(0.01, 0.9)
                .stepLR(1, 0.5)
                .epochs(2)
                .listener(new FitListener() {
                    @Override
                    public void epochEnd(Fit.EpochResult r, Fit fit) {
                        if (r.epoch() == 0) {
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
        assertEquals(r.bestEpoch() == 1, changed);
        learner.model().close();
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
        assertEquals(List.of(0, 1), r.history().stream().map(Fit.EpochResult::epoch).toList());
        learner.model().close();
    }
}
