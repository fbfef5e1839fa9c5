package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.eval.Inference;
import dev.graft.models.ImageModel;
import dev.graft.nn.Engine;
import dev.graft.train.optim.SGD;
import org.junit.jupiter.api.Test;

/**
 * A process that trains one run after another (bench/AutoRecipe.java, {@code graft compare},
 * the Java API in a long-lived service) must end each run with the engine holding what it held
 * before: counted exactly as the arrays the root manager owns. Each run here fine-tunes a
 * ResNet-18 with SGD momentum for one epoch, runs inference (BatchNorm folded) and closes the
 * model. Before the fix every run left its momentum buffers (62 arrays, ~45 MB) and a copy of
 * each 3x3/7x7 convolution weight made while folding (17 arrays, ~44 MB) in the root manager.
 */
class RunMemoryTest {
    @Test
    void threeRunsInOneProcessLeaveNoEngineArrays() {
        TrainData data = TrainData.of(FeatureCacheTest.imageBatches(0, FeatureCacheTest.identity(8)),
                FeatureCacheTest.imageBatches(100, FeatureCacheTest.identity(4)));
        Batch probe = FeatureCacheTest.imageBatches(200, FeatureCacheTest.identity(4)).get(0);
        int before = Engine.root().getManagedArrays().size();
        for (int run = 1; run <= 3; run++) {
            Learner learner = Learner.create("resnet18", FeatureCacheTest.CLASSES, run).sgd(0.01, 0.9).epochs(1).quiet();
            try (ImageModel model = learner.model()) {
                learner.fit(data);
                try (Inference inference = Inference.open(model)) {
                    assertEquals(FeatureCacheTest.CLASSES, inference.logits(probe.x(), probe.shape()).numClasses());
                }
            }
            assertEquals(before, Engine.root().getManagedArrays().size(), "engine arrays held after run " + run);
        }
    }

    @Test
    void aClosedOptimizerFreesItsStateAndTakesNoStep() {
        try (ImageModel model = Learner.create("resnet18", FeatureCacheTest.CLASSES, 1).model()) {
            int before = Engine.root().getManagedArrays().size();
            SGD sgd = new SGD(Strategy.FINETUNE.paramGroups(model, dev.graft.models.Zoo.get("resnet18"), 0.01, 1.0), 0.01, 0.9);
            Fit fit = new Fit(model, sgd, new dev.graft.train.loss.CrossEntropyLoss());
            model.train();
            fit.trainStep(FeatureCacheTest.imageBatches(0, FeatureCacheTest.identity(4)).get(0));
            int params = model.namedParameters().size();
            assertEquals(before + params, Engine.root().getManagedArrays().size(), "one momentum buffer per parameter");
            sgd.close();
            assertEquals(before, Engine.root().getManagedArrays().size(), "arrays after close");
            assertThrows(IllegalStateException.class, sgd::step);
            sgd.close(); // closing twice does nothing
        }
    }
}
