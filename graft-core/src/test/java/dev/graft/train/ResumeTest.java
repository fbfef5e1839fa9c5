package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import dev.graft.nn.Dropout;
import dev.graft.nn.Linear;
import dev.graft.nn.Sequential;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.Adam;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.SGD;
import dev.graft.train.schedule.CosineLR;
import dev.graft.train.schedule.LrSchedule;
import dev.graft.train.schedule.ReduceLROnPlateau;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact resume: a run stopped mid-epoch (after a step) and resumed from {@code last.safetensors}
 * with fresh objects ends with the same bits as the run left alone; a stray temporary file
 * from a write killed half-way is ignored.
 */
class ResumeTest {
    static final int EPOCHS = 4;

    record Run(Sequential model, Fit fit) {}

    /** A fresh run: the fixture CNN with a dropout head (so RNG matters), its optimizer and schedule. */
    static Run newRun(String setup, Path dir) throws Exception {
        dev.graft.nn.Rng.manualSeed(1); // the new head's initialisation
        Sequential model = TrainFixtures.model();
        model.replace("8", new Sequential(new Dropout(0.3), new Linear(16, 4)));
        Optimizer opt;
        LrSchedule schedule;
        if (setup.equals("adam_cosine")) {
            opt = new Adam(Optimizer.single(model.namedParameters()), 3e-3);
            schedule = new CosineLR(opt, LrSchedule.Unit.STEP, 2, EPOCHS * 3, 1e-5, 0.1);
        } else {
            opt = new SGD(Optimizer.single(model.namedParameters()), 0.2, 0.9, 0, 1e-4, true);
            schedule = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MAX, 0.5, 0);
        }
        Fit fit = new Fit(model, opt, new CrossEntropyLoss()).epochs(EPOCHS).seed(42).schedule(schedule)
                .listener(Checkpoint.saver(dir, 42, "{\"setup\":\"" + setup + "\"}"));
        return new Run(model, fit);
    }

    static TrainData data() {
        return new TrainData() {
            @Override
            public Iterable<Batch> train(int epoch) { return FitTest.batches(epoch * 3, 3); }

            @Override
            public Iterable<Batch> val() { return FitTest.batches(30, 2); }
        };
    }

    @org.junit.jupiter.api.Test
    void checkpointWithoutValidationRoundTrips(@TempDir Path tmp) throws Exception {
        Run r = newRun("sgd_plateau", tmp);
        r.fit().epochs(1).run(TrainData.of(FitTest.batches(0, 2), List.of()));
        Checkpoint c = Checkpoint.read(tmp.resolve(Checkpoint.LAST));
        assertEquals(Double.NEGATIVE_INFINITY, c.fit().bestAccuracy());
        assertEquals(0, c.fit().bestEpoch());
        assertEquals(1, c.fit().epoch());
        assertEquals(2L, c.fit().steps());
        assertEquals(42L, c.seed());
        assertTrue(c.optimizer().tensors().containsKey("8.1.weight.momentum_buffer"));
        assertTrue(!Files.exists(tmp.resolve(Checkpoint.BEST)));
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.graft.GraftException.class,
                () -> Checkpoint.read(tmp.resolve("nothing.safetensors")));
        assertEquals("no checkpoint at " + tmp.resolve("nothing.safetensors"), e.getMessage());
        r.model().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam_cosine", "sgd_plateau"})
    void resumedRunEndsWithTheSameBits(String setup, @TempDir Path tmp) throws Exception {
        Map<String, TensorData> straight;
        Run a = newRun(setup, tmp.resolve("a"));
        Fit.Result ra = a.fit().run(data());
        straight = a.model().stateDict();
        a.model().close();

        Path dir = tmp.resolve("b");
        Run b = newRun(setup, dir);
        b.fit().listener(new FitListener() {
            @Override
            public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                if (epoch == 3 && batch == 2) b.fit().interrupt(); // "killed" after a step of epoch 3
            }
        });
        assertEquals(Fit.Status.INTERRUPTED, b.fit().run(data()).status());
        b.model().close();
        // a write killed half-way leaves a temporary file; resume must not be confused by it
        Files.write(dir.resolve(".last.safetensors.1234.tmp"), new byte[] {1, 2, 3});
        assertEquals(1, Checkpoint.strayTemporaries(dir).size());

        Run c = newRun(setup, dir);
        Checkpoint last = Checkpoint.read(dir.resolve(Checkpoint.LAST));
        assertEquals("{\"setup\":\"" + setup + "\"}", last.recipe());
        assertEquals(2, last.fit().epoch());
        Fit.State state = last.restore(c.model(), c.fit().optimizer(), c.fit().schedule());
        Path best = dir.resolve(Checkpoint.BEST);
        c.fit().resume(state, Files.exists(best) ? Checkpoint.read(best).model() : null);
        Fit.Result rc = c.fit().run(data());
        assertEquals(ra.bestEpoch(), rc.bestEpoch());
        assertEquals(ra.steps(), rc.steps());
        Map<String, TensorData> resumed = c.model().stateDict();
        for (String k : straight.keySet()) assertArrayEquals(straight.get(k).data(), resumed.get(k).data(), k);
        List<Fit.EpochResult> tail = rc.history();
        assertEquals(ra.history().get(EPOCHS - 1).train().loss(), tail.get(tail.size() - 1).train().loss());
        assertTrue(Files.exists(dir.resolve(Checkpoint.LAST)));
        c.model().close();
    }
}
