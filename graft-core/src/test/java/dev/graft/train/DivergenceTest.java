package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.io.Safetensors;
import dev.graft.io.TensorData;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import dev.graft.nn.Sequential;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.SGD;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergence is caught at its step, and no model with NaN or infinity is written or used. */
class DivergenceTest {
    @TempDir
    Path tmp;

    @Test
    void aHugeLearningRateStopsAtTheFirstNonFiniteLossNamingTheStep() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            Fit.Result r = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 1e6, 0.9),
                    new CrossEntropyLoss()).epochs(3).run(TrainData.of(FitTest.batches(0, 4), FitTest.batches(10, 2)));
            assertEquals(Fit.Status.DIVERGED, r.status());
            // either a step's loss, or (BatchNorm's running variance overflowing while the loss stays finite) the epoch
            assertTrue(r.message().matches("(the training loss became (NaN|infinite) at epoch 1, batch [2-4] of 4 \\(step [2-4]\\)"
                    + "|the weights became NaN or infinite during epoch 1 \\(\\d+ tensors, e\\.g\\. [\\w.]+\\) although every"
                    + " training loss was finite); try a lower --lr \\(the rate is 1\\.00e\\+06 now\\) or check the inputs\\."),
                    r.message());
            assertTrue(r.history().isEmpty());
            assertTrue(Fit.nothingToSave(r));
        }
    }

    @Test
    void withASlowerBackboneTheMessageNamesTheHeadsRateAndTheBackbones() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            // finetune's two groups: the backbone at a tenth of the head's rate (Strategy.paramGroups), head last
            Map<String, dev.graft.nn.Parameter> backbone = new LinkedHashMap<>(), head = new LinkedHashMap<>();
            model.namedParameters().forEach((name, p) -> (name.startsWith("8.") ? head : backbone).put(name, p));
            List<dev.graft.train.optim.ParamGroup> groups = List.of(dev.graft.train.optim.ParamGroup.of(backbone, 1e5),
                    dev.graft.train.optim.ParamGroup.of(head, 1e6));
            Fit.Result r = new Fit(model, new SGD(groups, 1e6, 0.9), new CrossEntropyLoss()).epochs(3)
                    .run(TrainData.of(FitTest.batches(0, 4), FitTest.batches(10, 2)));
            assertEquals(Fit.Status.DIVERGED, r.status());
            assertTrue(r.message().endsWith("; try a lower --lr (the head's rate is 1.00e+06 now, the backbone's 1.00e+05)"
                    + " or check the inputs."), r.message());
        }
    }

    @Test
    void weightsThatOverflowWithAFiniteLossAreCaughtAfterTheEpoch() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            // a finite loss every step, but a running variance overflowed: caught before validation or checkpoints
            Fit fit = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.0, 0.0), new CrossEntropyLoss())
                    .epochs(2).listener(new FitListener() {
                        @Override
                        public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                            if (batch == 2) poison(model, "1.running_var", Float.POSITIVE_INFINITY);
                        }
                    });
            Fit.Result r = fit.run(TrainData.of(FitTest.batches(0, 2), FitTest.batches(10, 2)));
            assertEquals(Fit.Status.DIVERGED, r.status());
            assertTrue(r.message().startsWith("the weights became NaN or infinite during epoch 1 (1 tensors, e.g. 1.running_var)"),
                    r.message());
            assertEquals(List.of("1.running_var"), model.nonFiniteTensors());
        }
    }

    @Test
    void aNonFiniteValidationLossStopsTheRunAndKeepsTheBestEpoch() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            List<Batch> val = FitTest.batches(10, 2);
            float[] x = val.get(1).x().clone();
            Fit fit = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.01, 0.9), new CrossEntropyLoss())
                    .epochs(3);
            List<Batch> poisoned = List.of(val.get(0), new Batch(x, val.get(1).labels(), val.get(1).shape()));
            fit.listener(new FitListener() {
                @Override
                public void epochStart(int epoch, Fit f) { if (epoch == 2) x[3] = Float.NaN; }
            });
            Fit.Result r = fit.run(TrainData.of(FitTest.batches(0, 2), poisoned));
            assertEquals(Fit.Status.DIVERGED, r.status());
            assertTrue(r.message().startsWith("the validation loss became NaN after epoch 2"), r.message());
            assertTrue(r.message().endsWith("The best model so far (epoch 1) is kept."), r.message());
            assertFalse(Fit.nothingToSave(r));
            assertTrue(model.nonFiniteTensors().isEmpty());
        }
    }

    @Test
    void aModelWithNaNIsNeitherWrittenNorLoaded() throws Exception {
        Rng.manualSeed(3);
        Preset preset = Preset.imagenet(36, 32, Interpolation.BILINEAR);
        Path run = tmp.resolve("run");
        try (ImageModel model = Zoo.get("resnet18").build(2)) {
            SavedModel saved = SavedModel.write(run, model, "resnet18", List.of("a", "b"), preset, HeadSpec.LINEAR, "none");
            saved.load().close(); // a finite model loads
            poison(model, "fc.weight", Float.NaN);
            Path other = tmp.resolve("other");
            GraftException w = assertThrows(GraftException.class,
                    () -> SavedModel.write(other, model, "resnet18", List.of("a", "b"), preset, HeadSpec.LINEAR, "none"));
            assertTrue(w.getMessage().contains("1 of the model's tensors hold NaN or infinity (e.g. fc.weight)"), w.getMessage());
            assertFalse(Files.exists(other.resolve(SavedModel.WEIGHTS)));
            // a file with NaN that came from elsewhere (an older Graft) is refused when read
            Map<String, TensorData> state = new LinkedHashMap<>(model.stateDict());
            Safetensors.write(saved.weightsFile(), state, Map.of("format", "pt"));
        }
        GraftException e = assertThrows(GraftException.class, () -> SavedModel.read(run).load());
        assertTrue(e.getMessage().contains("cannot make predictions: 1 of its tensors hold NaN or infinity (e.g. fc.weight)"),
                e.getMessage());
    }

    /** Sets the first value of a parameter or buffer. */
    static void poison(dev.graft.nn.Module model, String key, float value) {
        TensorData t = model.stateDict().get(key);
        byte[] bytes = t.data().clone();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value);
        model.loadStateDict(Map.of(key, new TensorData(t.dtype(), t.shape(), bytes)), false);
    }
}
