package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.nn.Sequential;
import dev.graft.report.EpochRecord;
import dev.graft.report.MetricsCsv;
import dev.graft.testutil.TestImages;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.SGD;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.data.transforms.Augment;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: one epoch numbering, from 1, in the Java API and in what is printed and written.
 * Listener calls, results, messages, the epoch log ({@code Epoch 2/6}), checkpoints and
 * metrics.csv all use the same numbers, and a run resumed after epoch k continues at k + 1.
 */
class EpochNumberingTest {
    @TempDir
    Path tmp;

    /** Records the epoch every callback carries, and what the epoch log prints. */
    static final class Seen implements FitListener {
        final List<Integer> starts = new ArrayList<>(), batches = new ArrayList<>(), phases = new ArrayList<>(),
                ends = new ArrayList<>();

        @Override public void epochStart(int epoch, Fit fit) { starts.add(epoch); }

        @Override
        public void batchEnd(String phase, int epoch, int batch, int n, double loss) {
            if (batches.isEmpty() || batches.get(batches.size() - 1) != epoch) batches.add(epoch);
        }

        @Override
        public void phaseEnd(Fit.PhaseResult r) { if (r.phase().equals("val")) phases.add(r.epoch()); }

        @Override public void epochEnd(Fit.EpochResult r, Fit fit) { ends.add(r.epoch()); }
    }

    private static Fit fit(Sequential model, int epochs) {
        return new Fit(model, new SGD(Optimizer.single(model.namedParameters()), 0.5, 0.9), new CrossEntropyLoss())
                .epochs(epochs).seed(5);
    }

    private static TrainData data() { return TrainData.of(FitTest.batches(0, 4), FitTest.batches(10, 3)); }

    @Test
    void theApiNumbersEpochsAsTheLogPrintsThemAndAResumeContinuesAtTheNextOne() throws Exception {
        int epochs = 6, stopAfter = 2;
        Seen straight = new Seen();
        List<String> printed = new ArrayList<>();
        Fit.Result all;
        try (Sequential model = TrainFixtures.model()) {
            all = fit(model, epochs).listener(straight).listener(new EpochLog(printed::add, epochs)).run(data());
        }
        List<Integer> oneToE = IntStream.rangeClosed(1, epochs).boxed().toList();
        assertEquals(oneToE, straight.starts);
        assertEquals(oneToE, straight.batches);
        assertEquals(oneToE, straight.phases);
        assertEquals(oneToE, straight.ends);
        assertEquals(oneToE, all.history().stream().map(Fit.EpochResult::epoch).toList());
        List<String> headers = printed.stream().filter(l -> l.startsWith("Epoch ")).map(l -> l.lines().findFirst().get()).toList();
        assertEquals(oneToE.stream().map(e -> "Epoch " + e + "/" + epochs).toList(), headers);
        // the best epoch is the first one with the highest validation accuracy, by its printed number
        Fit.EpochResult best = all.history().stream()
                .max(Comparator.comparingDouble((Fit.EpochResult e) -> e.val().accuracy())
                        .thenComparing(Comparator.comparingInt(Fit.EpochResult::epoch).reversed())).orElseThrow();
        assertEquals(best.epoch(), all.bestEpoch());
        assertTrue(best.best());
        assertTrue(all.bestEpoch() > 1, "this run is chosen so that an off-by-one shows: best epoch " + all.bestEpoch());

        // the same run interrupted after epoch 2, then resumed from its checkpoint
        Path dir = tmp.resolve("checkpoints");
        try (Sequential model = TrainFixtures.model()) {
            Fit f = fit(model, epochs).listener(Checkpoint.saver(dir, 5, ""));
            f.listener(new FitListener() {
                @Override public void epochEnd(Fit.EpochResult r, Fit x) { if (r.epoch() == stopAfter) f.interrupt(); }
            });
            Fit.Result first = f.run(data());
            assertEquals("Training was interrupted after epoch " + stopAfter + ".", first.message());
        }
        Checkpoint last = Checkpoint.read(dir.resolve(Checkpoint.LAST));
        assertEquals(stopAfter, last.fit().epoch());
        Seen resumed = new Seen();
        Fit.Result rest;
        try (Sequential model = TrainFixtures.model()) {
            Fit f = fit(model, epochs).listener(resumed);
            f.resume(last.restore(model, f.optimizer(), null), Checkpoint.bestWeights(dir));
            rest = f.run(data());
        }
        List<Integer> tail = IntStream.rangeClosed(stopAfter + 1, epochs).boxed().toList();
        assertEquals(tail, resumed.starts);
        assertEquals(tail, resumed.ends);
        assertEquals(all.bestEpoch(), rest.bestEpoch());
        assertEquals(all.history().get(epochs - 1).val().loss(), rest.history().get(rest.history().size() - 1).val().loss());
    }

    /** A training run's printed numbers: listeners, metrics.csv, the outcome (run summary) and a resume, agree. */
    @Test
    void aRunDirectoryWritesAndResumesTheSameNumbers() throws Exception {
        Path images = TestImages.classFolders(tmp.resolve("data"), 11, 6, "ant", "bee");
        Recipe recipe = Recipe.builder(images.toString(), "resnet18").weights("none").strategy(Strategy.SCRATCH)
                .epochs(3).batchSize(4).imageSize(32).augment(Augment.NONE).optimizer(OptimizerKind.ADAM).lr(0.001)
                .schedule(ScheduleKind.NONE).seed(3L).workers(1).valSplit(0.34).monitor(Monitor.VAL_LOSS).build();
        Path run = tmp.resolve("run");
        java.nio.file.Files.createDirectories(run);
        Seen first = new Seen();
        TrainingRun[] holder = new TrainingRun[1];
        holder[0] = new TrainingRun(recipe, run, m -> { }).listener(first).listener(new FitListener() {
            @Override public void epochEnd(Fit.EpochResult r, Fit f) { if (r.epoch() == 2) holder[0].interrupt(); }
        });
        TrainingRun.Outcome stopped = holder[0].run();
        assertEquals(Fit.Status.INTERRUPTED, stopped.fit().status());
        assertEquals(List.of(1, 2), first.ends);
        List<EpochRecord> written = new ArrayList<>(MetricsCsv.read(run.resolve(TrainingRun.METRICS)));
        assertEquals(List.of(1, 2), written.stream().map(EpochRecord::epoch).toList());
        var results = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(run.resolve(TrainingRun.RUN_JSON)))
                .getAsJsonObject().getAsJsonObject("results");
        assertEquals("interrupted", results.get("status").getAsString(), "run.json's results: " + results);
        assertEquals(2, results.get("epochs_finished").getAsInt());
        assertEquals(3, results.get("epochs_planned").getAsInt());
        // as if killed after epoch 3's metrics row but before its checkpoint: the resume redoes epoch 3
        EpochRecord two = written.get(1);
        written.add(new EpochRecord(3, two.trainLoss(), two.trainAcc(), 99, two.valAcc(), two.lr(), two.seconds(),
                two.imagesPerSecond(), two.valBalancedAcc(), two.valMacroF1()));
        MetricsCsv.write(run.resolve(TrainingRun.METRICS), written);

        Seen second = new Seen();
        TrainingRun.Outcome o = new TrainingRun(recipe, run, m -> { }).listener(second).resume();
        assertEquals(Fit.Status.COMPLETED, o.fit().status());
        assertEquals(List.of(3), second.starts);
        List<EpochRecord> rows = MetricsCsv.read(run.resolve(TrainingRun.METRICS));
        assertEquals(List.of(1, 2, 3), rows.stream().map(EpochRecord::epoch).toList());
        // the lowest validation loss over the whole run, first one on ties, is the best epoch everywhere
        EpochRecord best = rows.stream().min(Comparator.comparingDouble(EpochRecord::valLoss)).orElseThrow();
        assertEquals(best.epoch(), o.bestEpoch());
        assertEquals(best.epoch(), o.fit().bestEpoch());
        assertEquals(best.epoch(), o.toJson().get("best_epoch"));
        assertEquals(best.valLoss(), o.valLoss(), 1e-6);
        // the report's headline shows the epoch the run kept (by validation loss here, not accuracy)
        String html = java.nio.file.Files.readString(run.resolve(TrainingRun.REPORT));
        assertTrue(html.contains("<div class=\"label\">Best epoch</div><div class=\"value\">" + best.epoch() + "</div>"),
                "report.html's best epoch is not " + best.epoch());
    }
}
