package dev.graft.cli;

import static dev.graft.cli.CliConventionsTest.exec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.models.SavedModel;
import dev.graft.report.EpochRecord;
import dev.graft.report.MetricsCsv;
import dev.graft.testutil.TestImages;
import dev.graft.train.Checkpoint;
import dev.graft.train.RunLock;
import dev.graft.train.TrainingRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, the run directory, as a user meets it through {@code graft train/evaluate/clean}
 * (in-process, and in a child process where a second process or a signal is the point): an
 * existing run is never replaced without --overwrite, a locked run is refused naming its
 * holder and a dead holder's lock is taken over, resume refuses a checkpoint of another
 * recipe, --epochs extends a run exactly as a longer run, a run without a checkpoint starts
 * again, a stopped run is usable and says how to resume, leftovers are removed, and a
 * finished run keeps one checkpoint until graft clean. Tiny runs: resnet18 from scratch on
 * 2 x 5 random 40-px images at 32 px.
 */
class RunDirectoryTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void images() throws Exception {
        data = TestImages.classFolders(tmp.resolve("data"), 12, 5, "ant", "bee");
    }

    /** graft train on the tiny images into {@code out}, one epoch unless {@code extra} says --epochs. */
    static String[] train(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", data.toString(), "--out", out.toString(), "--recipe", "tutorial", "--weights", "none",
                "--image-size", "32", "--batch-size", "4", "--workers", "1"));
        if (!List.of(extra).contains("--epochs")) a.addAll(List.of("--epochs", "1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static JsonObject recipe(Path run) throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve(TrainingRun.RUN_JSON))).getAsJsonObject()
                .getAsJsonObject("recipe");
    }

    static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anExistingRunIsReplacedOnlyWithOverwriteAndFinishedRunsKeepOneCheckpointUntilClean() throws Exception {
        Path run = tmp.resolve("one");
        CliConventionsTest.Out first = exec(train(run));
        assertEquals(0, first.code(), first.all());
        assertTrue(first.err().contains("to train it longer: graft train --resume " + run + " --epochs 2"), first.err());
        assertEquals(List.of(Checkpoint.LAST), names(run.resolve(TrainingRun.CHECKPOINTS)), "one checkpoint by default");
        Files.createDirectories(run.resolve("evaluation"));
        Files.writeString(run.resolve("evaluation/metrics.json"), "{}");
        byte[] model = Files.readAllBytes(run.resolve(SavedModel.WEIGHTS));

        CliConventionsTest.Out refused = exec(train(run, "--seed", "3"));
        assertEquals(2, refused.code(), refused.all());
        assertTrue(refused.err().startsWith("graft: " + run + " already holds a run;") && refused.err().contains("--overwrite")
                && refused.err().contains("--resume " + run), refused.err());
        assertArrayEquals(model, Files.readAllBytes(run.resolve(SavedModel.WEIGHTS)), "the old run was touched");

        CliConventionsTest.Out replaced = exec(train(run, "--seed", "3", "--overwrite", "--keep-checkpoints"));
        assertEquals(0, replaced.code(), replaced.all());
        assertFalse(Files.exists(run.resolve("evaluation")), "the old run's evaluation is stale");
        assertFalse(Files.exists(run.resolve(".earlier-run")), "the replaced run was set aside and not removed");
        assertEquals(3, recipe(run).get("seed").getAsLong());
        assertEquals(List.of(Checkpoint.BEST, Checkpoint.LAST), names(run.resolve(TrainingRun.CHECKPOINTS)));

        // a folder with other things in it is not a run: never cleared, even with --overwrite
        Path notes = tmp.resolve("notes");
        Files.createDirectories(notes);
        Files.writeString(notes.resolve("todo.txt"), "keep me");
        CliConventionsTest.Out other = exec(train(notes, "--overwrite"));
        assertEquals(2, other.code(), other.all());
        assertTrue(other.err().contains("holds no Graft run"), other.err());
        assertTrue(Files.exists(notes.resolve("todo.txt")));

        long bytes = Files.size(run.resolve("checkpoints/last.safetensors")) + Files.size(run.resolve("checkpoints/best.safetensors"));
        CliConventionsTest.Out clean = exec("clean", run.toString());
        assertEquals(0, clean.code(), clean.all());
        assertEquals(run + ": removed 2 files, freed " + CleanCommand.size(bytes), clean.out().strip());
        assertEquals(List.of(), names(run.resolve(TrainingRun.CHECKPOINTS)));
        assertNotNull(SavedModel.read(run), "the model stays usable");
        CliConventionsTest.Out gone = exec("train", "--resume", run.toString(), "--epochs", "2");
        assertEquals(2, gone.code(), gone.all());
        assertTrue(gone.err().contains("no checkpoint left"), gone.err());
        assertEquals(1, exec("clean", data.toString()).code(), "not a run");
    }

    @Test
    void theDefaultRunNameNeverCollides() {
        Path a = TrainCommand.defaultDir(tmp.resolve("runs"), "resnet18");
        Path b = TrainCommand.defaultDir(tmp.resolve("runs"), "resnet18");
        assertNotEquals(a, b);
        assertTrue(Files.isDirectory(a) && Files.isDirectory(b));
    }

    /** Holds a run's lock until killed: the other process of the lock test. */
    public static void main(String[] args) throws Exception {
        RunLock lock = RunLock.acquire(Path.of(args[0]), "graft train holder");
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
        lock.close();
    }

    @Test
    void aLockedRunIsRefusedNamingItsHolderAndADeadHoldersLockIsTakenOver() throws Exception {
        Path run = tmp.resolve("locked");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RunDirectoryTest.class.getName(), run.toString()).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("locked", r.readLine());
            CliConventionsTest.Out busy = exec(train(run));
            assertEquals(1, busy.code(), busy.all());
            assertTrue(busy.err().contains(run + " is in use by process " + child.pid() + " on ")
                    && busy.err().contains("(graft train holder)"), busy.err());
        } finally {
            child.destroyForcibly(); // kill -9: the lock file still names it
            child.waitFor();
        }
        CliConventionsTest.Out after = exec(train(run));
        assertEquals(0, after.code(), after.all());
        assertTrue(after.err().contains("took over the lock of process " + child.pid()), after.err());

        // in this process: evaluate writing into the run, clean and resume all wait for the holder
        try (RunLock held = RunLock.acquire(run, "graft train --out " + run)) {
            for (String[] args : List.of(new String[] {"evaluate", "--model", run.toString(), data.toString()},
                    new String[] {"clean", run.toString()}, new String[] {"train", "--resume", run.toString()})) {
                CliConventionsTest.Out busy = exec(args);
                assertEquals(1, busy.code(), busy.all());
                assertTrue(busy.err().contains("is in use by process " + ProcessHandle.current().pid()), busy.err());
            }
            assertEquals(0, exec("evaluate", "--model", run.toString(), "--out", tmp.resolve("eval-elsewhere").toString(),
                    data.toString()).code(), "evaluating into another folder needs no lock");
        }
        assertEquals(0, exec("evaluate", "--model", run.toString(), data.toString()).code());
    }

    @Test
    void resumeChecksTheRecipeExtendsExactlyAndRestartsARunWithoutCheckpoint() throws Exception {
        Path straight = tmp.resolve("straight"), ext = tmp.resolve("ext");
        assertEquals(0, exec(train(straight, "--epochs", "2")).code());
        assertEquals(0, exec(train(ext)).code());

        CliConventionsTest.Out finished = exec("train", "--resume", ext.toString());
        assertEquals(2, finished.code(), finished.all());
        assertTrue(finished.err().contains("has finished all its 1 epochs; add --epochs N"), finished.err());
        CliConventionsTest.Out option = exec("train", "--resume", ext.toString(), "--epochs", "2", "--lr", "0.1");
        assertEquals(2, option.code(), option.all());
        assertTrue(option.err().contains("--lr cannot change"), option.err());

        Path stray = ext.resolve("checkpoints/.last.safetensors.123.tmp");
        Files.write(stray, new byte[1000]);
        CliConventionsTest.Out extended = exec("train", "--resume", ext.toString(), "--epochs", "2");
        assertEquals(0, extended.code(), extended.all());
        assertFalse(Files.exists(stray), "leftover of a killed write");
        assertEquals(2, recipe(ext).get("epochs").getAsInt());
        List<EpochRecord> a = MetricsCsv.read(straight.resolve(TrainingRun.METRICS)), b = MetricsCsv.read(ext.resolve(TrainingRun.METRICS));
        assertEquals(2, b.size());
        assertEquals(a.get(1).trainLoss(), b.get(1).trainLoss(), 1e-6, "the step schedule continues as in one longer run");
        assertEquals(a.get(1).valLoss(), b.get(1).valLoss(), 1e-6);

        // a new recipe's run.json on top of the old checkpoint (issue 12 item 3)
        Path mixed = tmp.resolve("mixed");
        Files.createDirectories(mixed.resolve("checkpoints"));
        Files.copy(ext.resolve("checkpoints/last.safetensors"), mixed.resolve("checkpoints/last.safetensors"));
        JsonObject runJson = JsonParser.parseString(Files.readString(ext.resolve(TrainingRun.RUN_JSON))).getAsJsonObject();
        runJson.getAsJsonObject("recipe").addProperty("lr", 0.01);
        runJson.getAsJsonObject("recipe").addProperty("batchSize", 8);
        runJson.getAsJsonObject("recipe").addProperty("epochs", 5);
        Files.writeString(mixed.resolve(TrainingRun.RUN_JSON), runJson.toString());
        CliConventionsTest.Out mix = exec("train", "--resume", mixed.toString());
        assertEquals(1, mix.code(), mix.all());
        assertTrue(mix.err().contains("different recipe") && mix.err().contains("--lr 0.001 there, 0.01 here")
                && mix.err().contains("--batch-size 4 there, 8 here") && !mix.err().contains("--epochs"), mix.err());

        // killed before its first checkpoint: only run.json (and a leftover) -> starts again with its recipe
        Path early = tmp.resolve("early");
        Files.createDirectories(early.resolve("checkpoints"));
        Files.copy(ext.resolve(TrainingRun.RUN_JSON), early.resolve(TrainingRun.RUN_JSON));
        Files.write(early.resolve("checkpoints/.last.safetensors.9.tmp"), new byte[10]);
        CliConventionsTest.Out restarted = exec("train", "--resume", early.toString());
        assertEquals(0, restarted.code(), restarted.all());
        assertTrue(restarted.err().contains("starting it again from epoch 1"), restarted.err());
        assertEquals(b.get(1).valLoss(), MetricsCsv.read(early.resolve(TrainingRun.METRICS)).get(1).valLoss(), 1e-6);
        assertEquals(List.of(Checkpoint.LAST), names(early.resolve(TrainingRun.CHECKPOINTS)));
    }

    @Test
    void aStoppedRunIsUsableAndSaysHowToResume() throws Exception {
        Path run = tmp.resolve("stopped");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(train(run, "--epochs", "40")));
        Path log = tmp.resolve("stopped.log");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path last = run.resolve("checkpoints").resolve(Checkpoint.LAST);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(last) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(last), Files.readString(log));
        child.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        String out = Files.readString(log);
        assertTrue(out.contains("resume with: graft train --resume " + run), out);
        assertTrue(out.matches("(?s).*kept the \\d+ finished epochs? of 40 \\(the model is the best so far\\).*"), out);
        assertNotNull(SavedModel.read(run));
        assertTrue(Files.readString(run.resolve(TrainingRun.REPORT)).contains("Stopped after epoch"));
        assertFalse(Files.exists(run.resolve(RunLock.FILE)), "lock released and its file removed");
        // predict and evaluate take it
        assertEquals(0, exec("evaluate", "--model", run.toString(), data.toString()).code());
    }
}
