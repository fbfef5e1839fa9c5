package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import dev.graft.nn.Module;
import dev.graft.nn.Sequential;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.loss.Loss;
import dev.graft.train.optim.Adam;
import dev.graft.train.optim.AdamW;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.ParamGroup;
import dev.graft.train.optim.SGD;
import dev.graft.train.schedule.LrSchedule;
import dev.graft.train.schedule.OneCycleLR;
import dev.graft.train.schedule.StepLR;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training parity with torch.optim: the fixture CNN trained by {@link Fit} for 20 steps
 * (4 epochs of 5 fixed batches) with each optimizer / schedule / loss / freezing scenario
 * gives PyTorch's per-step losses and learning rates, and its final parameters and
 * BatchNorm running statistics, within 1e-4 relative.
 */
class TrainParityTest {
    static final double TOLERANCE = 1e-4;
    static final Map<String, Double> WORST = new java.util.TreeMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"sgd_steplr", "sgd_nesterov_ce_smooth_weights", "sgd_dampening", "sgd_onecycle",
            "adam", "adam_amsgrad", "adamw", "head_frozen_bn"})
    void matchesTorch(String name) throws Exception {
        try (Sequential model = TrainFixtures.model()) {
            Map<String, dev.graft.nn.Parameter> params = model.namedParameters();
            Loss loss = new CrossEntropyLoss();
            LrSchedule[] schedule = new LrSchedule[1];
            Optimizer opt;
            switch (name) {
                case "sgd_steplr" -> {
                    Map<String, dev.graft.nn.Parameter> backbone = new LinkedHashMap<>(), head = new LinkedHashMap<>();
                    params.forEach((k, p) -> (k.startsWith("8.") ? head : backbone).put(k, p));
                    opt = new SGD(List.of(ParamGroup.of(backbone, 0.01), new ParamGroup(head)), 0.1, 0.9, 1e-4);
                    schedule[0] = new StepLR(opt, 2, 0.1);
                }
                case "sgd_nesterov_ce_smooth_weights" -> {
                    opt = new SGD(Optimizer.single(params), 0.05, 0.9, 0, 5e-4, true);
                    loss = new CrossEntropyLoss(new float[] {1f, 2f, 0.5f, 1.5f}, 0.1);
                }
                case "sgd_dampening" -> opt = new SGD(Optimizer.single(params), 0.05, 0.8, 0.3, 0, false);
                case "sgd_onecycle" -> {
                    opt = new SGD(Optimizer.single(params), 0.1, 0.9, 1e-4);
                    schedule[0] = new OneCycleLR(opt, 0.2, 20);
                }
                case "adam" -> opt = new Adam(Optimizer.single(params), 1e-2, 0.9, 0.999, 1e-8, 1e-4, false);
                case "adam_amsgrad" -> opt = new Adam(Optimizer.single(params), 5e-3, 0.8, 0.99, 1e-8, 0, true);
                case "adamw" -> opt = new AdamW(Optimizer.single(params), 1e-2);
                case "head_frozen_bn" -> {
                    model.freeze("");
                    model.unfreeze("8");
                    BnPolicy.FROZEN.apply(model);
                    opt = new SGD(Optimizer.single(params), 0.1, 0.9);
                }
                default -> throw new IllegalArgumentException(name);
            }
            List<Double> losses = new ArrayList<>(), lrs = new ArrayList<>();
            Fit fit = new Fit(model, opt, loss).epochs(4).schedule(schedule[0]).listener(new FitListener() {
                @Override
                public void batchEnd(String phase, int epoch, int batch, int batches, double l) {
                    losses.add(l);
                }
            });
            List<List<Batch>> epochs = new ArrayList<>();
            for (int e = 0; e < 4; e++) {
                List<Batch> bs = new ArrayList<>();
                for (int s = 0; s < 5; s++) bs.add(TrainFixtures.batch(e * 5 + s));
                epochs.add(bs);
            }
            // the lr used by each step is the one before it: record it through a wrapper listener
            Fit.Result result = fit.listener(new FitListener() {
                @Override
                public void batchEnd(String phase, int epoch, int batch, int batches, double l) {}
            }).run(new TrainData() {
                @Override
                public Iterable<Batch> train(int epoch) {
                    List<Batch> bs = epochs.get(epoch);
                    return () -> new java.util.Iterator<>() {
                        int i = 0;
                        public boolean hasNext() { return i < bs.size(); }
                        public Batch next() {
                            lrs.add(opt.groups().get(opt.groups().size() - 1).lr());
                            return bs.get(i++);
                        }
                    };
                }
            });
            assertEquals(Fit.Status.COMPLETED, result.status());

            Map<String, TensorData> want = TrainFixtures.under(name + ".final");
            float[] wantLoss = TrainFixtures.all().get(name + ".loss").toFloats();
            float[] wantLr = TrainFixtures.all().get(name + ".lr").toFloats();
            assertEquals(20, losses.size());
            double worstLoss = 0, worstWeight = 0;
            for (int i = 0; i < 20; i++) {
                double rel = Math.abs(losses.get(i) - wantLoss[i]) / Math.abs(wantLoss[i]);
                worstLoss = Math.max(worstLoss, rel);
                assertTrue(rel < TOLERANCE, name + " step " + i + " loss " + losses.get(i) + " want " + wantLoss[i]);
                assertEquals(wantLr[i], lrs.get(i), Math.abs(wantLr[i]) * 1e-6, name + " step " + i + " lr");
            }
            Map<String, TensorData> got = model.stateDict();
            assertEquals(want.keySet(), got.keySet());
            for (String k : want.keySet()) {
                if (k.endsWith("num_batches_tracked")) {
                    assertArrayEquals(want.get(k).data(), got.get(k).data(), name + " " + k);
                    continue;
                }
                double err = relativeError(got.get(k).toFloats(), want.get(k).toFloats());
                worstWeight = Math.max(worstWeight, err);
                assertTrue(err < TOLERANCE, name + " final " + k + ": relative error " + err);
            }
            System.out.printf("parity %-32s max loss rel err %.2e, max weight rel err %.2e%n", name, worstLoss, worstWeight);
            // weights must actually have moved, or the comparison proves nothing
            assertTrue(relativeError(TrainFixtures.under("init").get("8.weight").toFloats(),
                    want.get("8.weight").toFloats()) > 1e-3);
        }
    }

    static double relativeError(float[] got, float[] want) {
        double d = 0, m = 0;
        for (int i = 0; i < want.length; i++) {
            d = Math.max(d, Math.abs(got[i] - want[i]));
            m = Math.max(m, Math.abs(want[i]));
        }
        return m == 0 ? d : d / m;
    }
}
