package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.transforms.Augment;
import dev.graft.report.EpochRecord;
import dev.graft.report.MetricsCsv;
import dev.graft.testutil.TestImages;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extending a finished run recomputes a closed-form schedule (cosine, one-cycle) over the new
 * total: after a 3-epoch run is extended to 5, epochs 4 and 5 train at the rates a fresh
 * 5-epoch run has there (before the fix epoch 4 started at the 3-epoch curve's end, 0).
 */
class ExtendScheduleTest {
    @TempDir
    Path tmp;

    private static Recipe recipe(Path images, ScheduleKind schedule, int epochs) {
        return Recipe.builder(images.toString(), "resnet18").weights("none").strategy(Strategy.SCRATCH)
                .epochs(epochs).batchSize(4).imageSize(32).augment(Augment.NONE).optimizer(OptimizerKind.SGD).lr(0.01)
                .schedule(schedule).warmupEpochs(schedule == ScheduleKind.COSINE ? 1 : 0).seed(3L).workers(1)
                .valSplit(0.34).build();
    }

    private static List<Double> lrs(Path run) {
        return MetricsCsv.read(run.resolve(TrainingRun.METRICS)).stream().map(EpochRecord::lr).toList();
    }

    @ParameterizedTest
    @EnumSource(value = ScheduleKind.class, names = {"COSINE", "ONECYCLE"})
    void anExtendedRunFollowsTheLongerCurve(ScheduleKind schedule) throws Exception {
        Path images = TestImages.classFolders(tmp.resolve("data"), 11, 6, "ant", "bee");
        Path fresh = Files.createDirectories(tmp.resolve("fresh")), extended = Files.createDirectories(tmp.resolve("ext"));
        new TrainingRun(recipe(images, schedule, 5), fresh, m -> { }).run();
        new TrainingRun(recipe(images, schedule, 3), extended, m -> { }).run();
        new TrainingRun(recipe(images, schedule, 5), extended, m -> { }).resume();

        List<Double> want = lrs(fresh), got = lrs(extended);
        assertEquals(5, got.size());
        assertTrue(want.get(3) > 0 && want.get(4) > 0, "the fresh run's rates " + want);
        assertEquals(want.get(3), got.get(3), 1e-12, "epoch 4's rate; fresh " + want + ", extended " + got);
        assertEquals(want.get(4), got.get(4), 1e-12, "epoch 5's rate; fresh " + want + ", extended " + got);
    }
}
