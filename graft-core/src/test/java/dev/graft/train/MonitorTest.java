package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.eval.Metrics;
import dev.graft.io.TensorData;
import dev.graft.nn.Sequential;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.SGD;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --monitor}: which epoch is best and kept, and what early stopping watches. */
class MonitorTest {
    /** Six epochs of the FitTest run (lr 0.5, momentum 0.9: loss and accuracy move apart), with the monitor. */
    static Fit.Result run(Monitor monitor, Map<Integer, Map<String, TensorData>> states, Sequential model) {
        return new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.5, 0.9), new CrossEntropyLoss())
                .epochs(6).monitor(monitor).listener(new FitListener() {
                    @Override public void epochEnd(Fit.EpochResult r, Fit f) { states.put(r.epoch(), model.stateDict()); }
                }).run(TrainData.of(FitTest.batches(0, 4), FitTest.batches(10, 3)));
    }

    @Test
    void eachMonitorKeepsItsOwnBestEpoch() throws Exception {
        int[] best = new int[Monitor.values().length];
        for (Monitor m : Monitor.values()) {
            Map<Integer, Map<String, TensorData>> states = new HashMap<>();
            try (Sequential model = TrainFixtures.model()) {
                Fit.Result r = run(m, states, model);
                List<Fit.EpochResult> h = r.history();
                Comparator<Fit.EpochResult> better = switch (m) {
                    case VAL_ACC -> Comparator.comparingDouble(e -> -e.val().accuracy());
                    case VAL_LOSS -> Comparator.comparingDouble(e -> e.val().loss());
                    case MACRO_F1 -> Comparator.comparingDouble(e -> -e.val().macroF1());
                };
                // the first epoch with the best value, as the tutorial's strict "better than"
                int want = h.stream().min(better.thenComparingInt(Fit.EpochResult::epoch)).orElseThrow().epoch();
                assertEquals(want, r.bestEpoch(), m.toString());
                assertEquals(h.get(want - 1).val().accuracy(), r.bestAccuracy(), m + ": the result reports the best epoch's accuracy");
                Map<String, TensorData> kept = states.get(want), got = model.stateDict();
                for (String k : kept.keySet()) assertArrayEquals(kept.get(k).data(), got.get(k).data(), m + " " + k);
                best[m.ordinal()] = want;
            }
        }
        // the run is chosen so that the monitors disagree: otherwise this test could not fail
        assertNotEquals(best[Monitor.VAL_ACC.ordinal()], best[Monitor.VAL_LOSS.ordinal()]);
    }

    @Test
    void validationReportsBalancedAccuracyAndMacroF1() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            Fit.Result r = run(Monitor.VAL_ACC, new HashMap<>(), model);
            for (Fit.EpochResult e : r.history()) {
                double b = e.val().balancedAccuracy(), f = e.val().macroF1();
                assertTrue(b >= 0 && b <= 1 && f >= 0 && f <= 1, e.val() + " " + b + " " + f);
                assertTrue(Double.isNaN(e.train().macroF1()));
            }
        }
        // one class right, one never predicted: balanced accuracy 0.5 while accuracy is 0.9
        Metrics m = Metrics.ofConfusion(new int[][] {{9, 0}, {1, 0}});
        assertEquals(0.5, m.balancedAccuracy(), 1e-12);
    }

    @Test
    void earlyStoppingNamesTheMonitor() throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            Fit.Result r = new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.0, 0.0), new CrossEntropyLoss())
                    .epochs(10).patience(2).monitor(Monitor.MACRO_F1)
                    .run(TrainData.of(FitTest.batches(0, 2), FitTest.batches(10, 2)));
            assertEquals(Fit.Status.EARLY_STOPPED, r.status());
            assertTrue(r.message().contains("validation macro-F1 has not improved for 2 epochs"), r.message());
        }
    }
}
