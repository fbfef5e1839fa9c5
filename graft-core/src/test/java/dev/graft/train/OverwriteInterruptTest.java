package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.transforms.Augment;
import dev.graft.models.SavedModel;
import dev.graft.testutil.TestImages;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that replaces another ({@code --overwrite}) and is interrupted before its first
 * checkpoint puts the earlier run back: a Ctrl-C in the first epoch used to leave neither.
 */
class OverwriteInterruptTest {
    @TempDir
    Path tmp;

    @Test
    void anOverwriteInterruptedInItsFirstEpochKeepsTheEarlierRun() throws Exception {
        Path images = TestImages.classFolders(tmp.resolve("data"), 11, 6, "ant", "bee");
        Recipe.Builder b = Recipe.builder(images.toString(), "resnet18").weights("none").strategy(Strategy.SCRATCH)
                .epochs(2).batchSize(4).imageSize(32).augment(Augment.NONE).optimizer(OptimizerKind.SGD).lr(0.01)
                .schedule(ScheduleKind.NONE).seed(3L).workers(1).valSplit(0.34);
        Path run = tmp.resolve("run");
        new TrainingRun(b.build(), run, m -> { }).run();
        List<String> files = List.of(SavedModel.WEIGHTS, TrainingRun.RUN_JSON, TrainingRun.METRICS);
        byte[][] before = new byte[files.size()][];
        for (int i = 0; i < files.size(); i++) before[i] = Files.readAllBytes(run.resolve(files.get(i)));

        TrainingRun[] holder = new TrainingRun[1];
        holder[0] = new TrainingRun(b.seed(4L).build(), run, m -> { }).overwrite(true).listener(new FitListener() {
            @Override public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                holder[0].interrupt();
            }
        });
        TrainingRun.Outcome stopped = holder[0].run();
        assertEquals(Fit.Status.INTERRUPTED, stopped.fit().status());
        assertTrue(holder[0].keptEarlierRun());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(before[i], Files.readAllBytes(run.resolve(files.get(i))), files.get(i));
        }
        assertFalse(Files.exists(run.resolve(TrainingRun.EARLIER_RUN)));
    }
}
