package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.data.transforms.Augment;
import dev.graft.testutil.TestImages;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Ctrl-C line says a kill -9 would leave: in the first epoch there is no checkpoint to
 * resume from (it used to say "the last checkpoint stays" there too); from the second on, the
 * last checkpoint.
 */
class InterruptNoteTest {
    @TempDir
    Path tmp;

    @Test
    void noCheckpointInTheFirstEpochTheLastOneAfter() throws Exception {
        Path images = TestImages.classFolders(tmp.resolve("data"), 7, 6, "ant", "bee");
        Recipe recipe = Recipe.builder(images.toString(), "resnet18").weights("none").strategy(Strategy.SCRATCH)
                .epochs(2).batchSize(4).imageSize(32).augment(Augment.NONE).optimizer(OptimizerKind.SGD).lr(0.01)
                .schedule(ScheduleKind.NONE).seed(3L).workers(1).valSplit(0.34).build();
        Map<Integer, String> byEpoch = new LinkedHashMap<>();
        TrainingRun[] holder = new TrainingRun[1];
        holder[0] = new TrainingRun(recipe, tmp.resolve("run"), m -> { }).listener(new FitListener() {
            @Override public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                byEpoch.putIfAbsent(epoch, holder[0].leftToResume());
            }
        });
        holder[0].run();
        assertEquals(Map.of(1, "no epoch has finished yet, so there is no checkpoint to resume from",
                2, "the last checkpoint stays"), byEpoch);
    }
}
