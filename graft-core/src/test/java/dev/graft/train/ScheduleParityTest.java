package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.nn.Linear;
import dev.graft.train.optim.Adam;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.optim.OptimizerState;
import dev.graft.train.optim.ParamGroup;
import dev.graft.train.optim.SGD;
import dev.graft.train.schedule.CosineLR;
import dev.graft.train.schedule.LrSchedule;
import dev.graft.train.schedule.MultiStepLR;
import dev.graft.train.schedule.OneCycleLR;
import dev.graft.train.schedule.ReduceLROnPlateau;
import dev.graft.train.schedule.ScheduleKind;
import dev.graft.train.schedule.StepLR;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Learning-rate (and momentum) sequences of every schedule against torch.optim.lr_scheduler,
 * and exact continuation after saving and loading schedule + optimizer state.
 */
class ScheduleParityTest {
    static JsonObject fixtures;
    static Linear layer;

    @BeforeAll
    static void load() throws Exception {
        fixtures = JsonParser.parseString(Files.readString(TrainFixtures.DIR.resolve("schedules.json"))).getAsJsonObject();
        layer = new Linear(1, 1);
    }

    @AfterAll
    static void close() { layer.close(); }

    static Optimizer sgd() { return new SGD(Optimizer.single(layer.namedParameters()), 0.1, 0.9); }

    static Optimizer adam() { return new Adam(Optimizer.single(layer.namedParameters()), 0.1); }

    /** Runs n steps, recording (lr, momentum) before each, and compares with torch's. */
    static void check(String name, Optimizer opt, Function<Optimizer, LrSchedule> make, double[] metrics, double tol) {
        LrSchedule s = make.apply(opt);
        var want = fixtures.getAsJsonObject(name);
        var lrs = want.getAsJsonArray("lr");
        var moms = want.getAsJsonArray("momentum");
        for (int i = 0; i < lrs.size(); i++) {
            var g = opt.groups().get(0);
            double lr = lrs.get(i).getAsDouble(), mom = moms.get(i).getAsDouble();
            assertEquals(lr, g.lr(), Math.abs(lr) * tol, name + " lr at " + i);
            assertEquals(mom, g.has("momentum") ? g.get("momentum") : g.get("beta1"), tol, name + " momentum at " + i);
            if (metrics != null) ((ReduceLROnPlateau) s).step(metrics[i]);
            else s.step();
        }
    }

    static double[] inputs(String key) {
        var a = fixtures.getAsJsonObject("plateau_inputs").getAsJsonArray(key);
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }

    @Test
    void stepAndMultiStepMatchTorchExactly() {
        check("step", sgd(), o -> new StepLR(o, 3, 0.1), null, 0);
        check("multistep", sgd(), o -> new MultiStepLR(o, List.of(2, 5, 9), 0.5), null, 0);
    }

    @Test
    void oneCycleMatchesTorch() {
        check("onecycle_sgd", sgd(), o -> new OneCycleLR(o, 0.1, 30), null, 1e-12);
        check("onecycle_adam", adam(), o -> new OneCycleLR(o, 0.01, 25, 0.25, 25, 1e4, true, 0.85, 0.95), null, 1e-12);
        check("onecycle_nomom", sgd(), o -> new OneCycleLR(o, 0.3, 17, 0.3, 10, 100, false, 0.85, 0.95), null, 1e-12);
    }

    /**
     * Fine-tuning with onecycle: two groups (backbone at a tenth of the head's rate) through
     * the recipe's path ({@code ScheduleKind.ONECYCLE}) peak at their own rates, as
     * torch's OneCycleLR with a max_lr list (make_onecycle_groups_fixture.py).
     */
    @Test
    void oneCycleKeepsEachGroupsPeak() throws Exception {
        JsonObject want = JsonParser.parseString(Files.readString(TrainFixtures.DIR.resolve("onecycle_groups.json")))
                .getAsJsonObject();
        double headLr = want.get("head_lr").getAsDouble(), mult = want.get("backbone_mult").getAsDouble();
        int epochs = want.get("epochs").getAsInt(), steps = want.get("steps_per_epoch").getAsInt();
        try (Linear backbone = new Linear(1, 1); Linear head = new Linear(1, 1)) {
            List<ParamGroup> groups = List.of(ParamGroup.of(Map.of("backbone", backbone.namedParameters().get("weight")),
                    headLr * mult), ParamGroup.of(Map.of("head", head.namedParameters().get("weight")), headLr));
            Optimizer opt = OptimizerKind.SGD.build(groups, headLr, 0.9, 0);
            LrSchedule s = ScheduleKind.ONECYCLE.create(opt, epochs, steps, 7, 0.1, 0);
            for (int t = 0; t < epochs * steps; t++) {
                for (int g = 0; g < 2; g++) {
                    double lr = want.getAsJsonArray("lr").get(g).getAsJsonArray().get(t).getAsDouble();
                    double mom = want.getAsJsonArray("momentum").get(g).getAsJsonArray().get(t).getAsDouble();
                    assertEquals(lr, opt.groups().get(g).lr(), lr * 1e-12, "group " + g + " lr at step " + t);
                    assertEquals(mom, opt.groups().get(g).get("momentum"), 1e-12, "group " + g + " momentum at step " + t);
                }
                s.step();
            }
        }
    }

    @Test
    void cosineMatchesTorchChainedForms() {
        check("cosine", sgd(), o -> new CosineLR(o, LrSchedule.Unit.EPOCH, 10, 0.0), null, 1e-9);
        check("cosine_warmup", sgd(), o -> new CosineLR(o, LrSchedule.Unit.STEP, 5, 20, 0.001, 0.1), null, 1e-9);
    }

    @Test
    void plateauMatchesTorch() {
        check("plateau_max", sgd(), o -> new ReduceLROnPlateau(o, ReduceLROnPlateau.Mode.MAX, 0.5, 2),
                inputs("acc"), 0);
        check("plateau_min", sgd(), o -> new ReduceLROnPlateau(o, ReduceLROnPlateau.Mode.MIN, 0.1, 1, 1e-4, 1, 0.0005),
                inputs("loss"), 0);
    }

    /** Save after k steps (through JSON, as a checkpoint would), restore into new objects, continue. */
    @Test
    void stateRoundTripContinuesExactly() {
        double[] acc = inputs("acc");
        List<Function<Optimizer, LrSchedule>> makers = List.of(
                o -> new StepLR(o, 3, 0.1), o -> new OneCycleLR(o, 0.1, 30),
                o -> new CosineLR(o, LrSchedule.Unit.STEP, 5, 20, 0.001, 0.1),
                o -> new ReduceLROnPlateau(o, ReduceLROnPlateau.Mode.MAX, 0.5, 2));
        Gson gson = new Gson();
        for (var make : makers) {
            Optimizer a = sgd();
            LrSchedule sa = make.apply(a);
            List<Double> straight = new ArrayList<>();
            for (int i = 0; i < 14; i++) {
                straight.add(a.groups().get(0).lr());
                step(sa, acc[i]);
            }
            Optimizer b = sgd();
            LrSchedule sb = make.apply(b);
            for (int i = 0; i < 6; i++) step(sb, acc[i]);
            String json = gson.toJson(Map.of("sched", sb.state(), "opt", b.stateDict().scalars()));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> back = gson.fromJson(json, Map.class);
            Optimizer c = sgd();
            LrSchedule sc = make.apply(c);
            c.loadStateDict(new OptimizerState(Map.of(), back.get("opt")));
            sc.load(back.get("sched"));
            for (int i = 6; i < 14; i++) {
                assertEquals(straight.get(i), c.groups().get(0).lr(), 0.0, sc.getClass().getSimpleName() + " step " + i);
                step(sc, acc[i]);
            }
        }
    }

    private static void step(LrSchedule s, double metric) {
        if (s instanceof ReduceLROnPlateau p) p.step(metric);
        else s.step();
    }
}
