package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import dev.graft.nn.Dropout;
import dev.graft.nn.Engine;
import dev.graft.nn.Linear;
import dev.graft.nn.Sequential;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.Adam;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.SGD;
import dev.graft.train.schedule.StepLR;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fit loop's behaviour: best weights, early stopping, NaN, interrupt, memory, seeding. */
class FitTest {
    static List<Batch> batches(int from, int count) {
        List<Batch> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) out.add(TrainFixtures.batch(i));
        return out;
    }

    @Test
    void keepsAndRestoresTheBestEpochByValidationAccuracy() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            Map<Integer, Map<String, TensorData>> states = new HashMap<>();
            List<String> lines = new ArrayList<>();
            Fit fit = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.5, 0.9), new CrossEntropyLoss())
                    .epochs(6).listener(new FitListener() {
                        @Override public void phaseEnd(Fit.PhaseResult r) { lines.add(r.toString()); }
                        @Override public void epochEnd(Fit.EpochResult r, Fit f) { states.put(r.epoch(), model.stateDict()); }
                    });
            Fit.Result r = fit.run(TrainData.of(batches(0, 4), batches(10, 3)));
            assertEquals(Fit.Status.COMPLETED, r.status());
            assertEquals(6, r.history().size());
            assertTrue(lines.get(0).matches("train Loss: \\d\\.\\d{4} Acc: \\d\\.\\d{4}"), lines.get(0));
            assertTrue(lines.get(1).startsWith("val Loss: "));
            double best = r.history().stream().mapToDouble(e -> e.val().accuracy()).max().orElseThrow();
            assertEquals(best, r.bestAccuracy());
            int first = r.history().stream().filter(e -> e.val().accuracy() == best).findFirst().orElseThrow().epoch();
            assertEquals(first, r.bestEpoch());
            Map<String, TensorData> want = states.get(r.bestEpoch()), got = model.stateDict();
            for (String k : want.keySet()) assertArrayEquals(want.get(k).data(), got.get(k).data(), k);
        }
    }

    @Test
    void stopsEarlyWhenValidationAccuracyStalls() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            // lr 0 (weights never change) and eval-mode validation: accuracy is the same every epoch
            Fit.Result r = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.0, 0.0),
                    new CrossEntropyLoss()).epochs(10).patience(2).run(TrainData.of(batches(0, 2), batches(10, 2)));
            assertEquals(Fit.Status.EARLY_STOPPED, r.status());
            assertEquals(3, r.history().size());
            assertEquals(1, r.bestEpoch());
        }
    }

    @Test
    void aNonFiniteLossStopsBeforeTheUpdate() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            Batch good = TrainFixtures.batch(0);
            float[] x = good.x().clone();
            x[5] = Float.NaN;
            Map<String, TensorData> before = model.stateDict();
            Fit.Result r = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.1, 0.9),
                    new CrossEntropyLoss()).epochs(3).run(TrainData.of(List.of(new Batch(x, good.labels(), good.shape())), List.of()));
            assertEquals(Fit.Status.DIVERGED, r.status());
            assertEquals("the training loss became NaN at epoch 1, batch 1 of 1 (step 1); try a lower --lr (the rate"
                    + " is 0.100 now) or check the inputs.", r.message());
            assertTrue(Fit.nothingToSave(r));
            assertArrayEquals(before.get("8.weight").data(), model.stateDict().get("8.weight").data());
        }
    }

    /** A Ctrl-C ends the run after the step; the partial epoch's train line says it is one. */
    @Test
    void interruptFinishesTheStepAndReturns() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            List<String> lines = new ArrayList<>();
            Fit fit = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.1, 0.9), new CrossEntropyLoss());
            fit.epochs(5).listener(new FitListener() {
                @Override
                public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                    if (epoch == 2 && batch == 2) fit.interrupt();
                }

                @Override
                public void phaseEnd(Fit.PhaseResult r) { lines.add(r.toString()); }
            });
            Fit.Result r = fit.run(TrainData.of(batches(0, 4), batches(10, 1)));
            assertEquals(Fit.Status.INTERRUPTED, r.status());
            assertEquals(6, r.steps());
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("train Loss: \\d\\.\\d{4} Acc: \\d\\.\\d{4}"), lines.get(0));
            assertTrue(lines.get(2).matches("train Loss: \\d\\.\\d{4} Acc: \\d\\.\\d{4} \\(stopped after 2 of 4 batches\\)"),
                    lines.get(2));
        }
    }

    /** A Ctrl-C at an epoch's last training step leaves a whole train phase: its line is not marked. */
    @Test
    void anInterruptAtTheLastStepLeavesAWholeTrainLine() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            List<Fit.PhaseResult> phases = new ArrayList<>();
            Fit fit = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.1, 0.9), new CrossEntropyLoss());
            fit.epochs(5).listener(new FitListener() {
                @Override
                public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                    if (phase.equals("train") && batch == batches) fit.interrupt();
                }

                @Override
                public void phaseEnd(Fit.PhaseResult r) { phases.add(r); }
            });
            assertEquals(Fit.Status.INTERRUPTED, fit.run(TrainData.of(batches(0, 3), batches(10, 1))).status());
            assertEquals(1, phases.size());
            assertNull(phases.get(0).stopped(), phases.get(0).toString());
        }
    }

    /** A Ctrl-C during validation reports no validation of that epoch (a partial one printed as if whole misled). */
    @Test
    void anInterruptDuringValidationReportsNoPartialValidation() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            List<Integer> valEpochs = new ArrayList<>();
            Fit fit = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.1, 0.9), new CrossEntropyLoss());
            fit.epochs(5).listener(new FitListener() {
                @Override
                public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                    if (phase.equals("val") && epoch == 2 && batch == 1) fit.interrupt();
                }

                @Override
                public void phaseEnd(Fit.PhaseResult r) { if (r.phase().equals("val")) valEpochs.add(r.epoch()); }
            });
            Fit.Result r = fit.run(TrainData.of(batches(0, 2), batches(10, 3)));
            assertEquals(Fit.Status.INTERRUPTED, r.status());
            assertEquals(List.of(1), valEpochs, "validation reported for epochs " + valEpochs);
            assertEquals(1, r.history().size());
        }
    }

    @Test
    void engineArraysDoNotGrowAcrossEpochs() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            Optimizer opt = new Adam(Optimizer.single(model.namedParameters()), 1e-3);
            List<Integer> counts = new ArrayList<>();
            Fit fit = new Fit(model, opt, new CrossEntropyLoss()).epochs(4).schedule(new StepLR(opt, 1, 0.5))
                    .listener(new FitListener() {
                        @Override
                        public void epochEnd(Fit.EpochResult r, Fit f) { counts.add(Engine.root().getManagedArrays().size()); }
                    });
            fit.run(TrainData.of(batches(0, 3), batches(10, 2)));
            assertEquals(counts.get(1), counts.get(3), "root arrays per epoch: " + counts);
        }
    }

    /** Same seed, same dropout masks and weights; another seed, other weights. */
    @Test
    void stepsAreSeededFromSeedEpochAndStep() throws Exception {
        float[] a = trainWithDropout(7), b = trainWithDropout(7), c = trainWithDropout(8);
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void everyListenerSeesEachBatchNumberedOnceWithinItsTotal() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            List<String> first = new ArrayList<>(), second = new ArrayList<>();
            Fit fit = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.1, 0.9), new CrossEntropyLoss())
                    .epochs(1);
            for (List<String> seen : List.of(first, second)) {
                fit.listener(new FitListener() {
                    @Override public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                        seen.add(phase + " " + batch + "/" + batches);
                    }
                });
            }
            fit.run(TrainData.of(batches(0, 4), batches(10, 3)));
            List<String> want = List.of("train 1/4", "train 2/4", "train 3/4", "train 4/4", "val 1/3", "val 2/3", "val 3/3");
            assertEquals(want, first);
            assertEquals(want, second);
        }
    }

    private static float[] trainWithDropout(long seed) throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            model.replace("8", new Sequential(new Dropout(0.5), new Linear(16, 4)));
            model.get("8.1").loadStateDict(Map.of("weight", TrainFixtures.under("init").get("8.weight"),
                    "bias", TrainFixtures.under("init").get("8.bias")), true);
            new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.1, 0.9), new CrossEntropyLoss())
                    .epochs(2).seed(seed).run(TrainData.of(batches(0, 3), List.of()));
            return model.stateDict().get("8.1.weight").toFloats();
        }
    }
}
