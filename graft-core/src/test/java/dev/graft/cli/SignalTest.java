package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.testutil.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real signal to a real {@code graft} child process (SIGTERM, not SIGINT: both run the same
 * shutdown hook, and a child of a background job may ignore SIGINT). During the LR finder, train
 * and lr-find stop before training and say so in one sentence (the JVM exits as soon as the work
 * returns, so the sentence must be printed before it does) and leave no run folder or plot;
 * during a comparison, no further run starts and the runs so far are compared; the demo stops and says where its runs are.
 */
class SignalTest {
    @TempDir
    Path tmp;

    @Test
    void aSignalDuringTheFinderSaysNothingWasKept() throws Exception {
        Path data = TestImages.classFolders(tmp.resolve("data"), 23, 40, "ant", "bee"); // 64 training images: the finder runs
        Path run = tmp.resolve("run");
        String out = signalOnceSaid("finding the learning rate", "train", data.toString(), "--weights", "none",
                "--image-size", "96", "--workers", "1", "--out", run.toString());
        assertEquals(1, out.split("interrupted while the LR finder ran", -1).length - 1, "said once:\n" + out);
        assertFalse(out.contains("Epoch 1/"), "it trained:\n" + out);
        assertFalse(Files.exists(run), "the new run's folder stays:\n" + out);
        // graft lr-find: the same sentence and no plot (it crashed in libtorch as the JVM exited under the sweep)
        Path plot = tmp.resolve("sweep.png");
        out = signalOnceSaid("finding the learning rate", "lr-find", data.toString(), "--weights", "none",
                "--image-size", "96", "--workers", "1", "--plot", plot.toString());
        assertEquals(1, out.split("interrupted while the LR finder ran", -1).length - 1, "said once:\n" + out);
        assertFalse(out.contains("fatal error"), out);
        assertFalse(Files.exists(plot), "a plot of a stopped sweep:\n" + out);
    }

    @Test
    void aSignalDuringACompareStartsNoFurtherRunAndComparesTheOthers() throws Exception {
        Path data = TestImages.classFolders(tmp.resolve("data"), 29, 12, "ant", "bee");
        Path out = tmp.resolve("cmp");
        String said = signalOnceSaid("Epoch 2/", "compare", data.toString(), "--weights", "none", "--arch",
                "resnet18,mobilenet_v3_small", "--image-size", "64", "--epochs", "20", "--lr", "0.01", "--workers", "1",
                "--out", out.toString());
        assertFalse(said.contains("== mobilenet_v3_small"), "a second run started:\n" + said);
        assertFalse(Files.exists(out.resolve("mobilenet_v3_small-none")), said);
        assertTrue(said.contains("| resnet18-none |") && Files.isRegularFile(out.resolve("compare.md")), said);
        assertTrue(said.contains("1 of 2 runs did not train"), said);
        assertTrue(said.contains(out.resolve("resnet18-none") + " stopped after"), said);
        assertTrue(said.matches("(?s).*\\| resnet18-none \\|.*\\(stopped after \\d+ of 20 epochs\\).*"), "the table marks it:\n" + said);

        // stopped in the second run's LR finder: the first run is compared, and --overwrite trains both again
        Path data40 = TestImages.classFolders(tmp.resolve("data40"), 31, 40, "ant", "bee"); // the finder runs
        Path again = tmp.resolve("cmp2");
        said = signalOnceSaid("== mobilenet_v3_small", "compare", data40.toString(), "--weights", "none", "--arch",
                "resnet18,mobilenet_v3_small", "--image-size", "32", "--epochs", "2", "--workers", "1",
                "--out", again.toString());
        assertTrue(said.contains("| resnet18-none |") && said.contains("1 of 2 runs did not train"), said);
        assertFalse(Files.exists(again.resolve("mobilenet_v3_small-none")), said);
        CliConventionsTest.Out r = CliConventionsTest.exec("compare", data40.toString(), "--weights", "none", "--arch",
                "resnet18", "--image-size", "32", "--epochs", "1", "--lr", "0.01", "--workers", "1", "--out",
                again.toString(), "--overwrite");
        assertEquals(0, r.code(), r.all());
    }

    @Test
    void aSignalDuringTheDemoStopsItAndSaysWhere() throws Exception {
        Path out = tmp.resolve("demo");
        String said = signalOnceSaid("Epoch 1/", "demo", "--out", out.toString());
        assertTrue(said.contains("interrupted: the demo stopped; its runs so far are in " + out), said);
        assertFalse(said.contains("== 2/2"), "the transfer started:\n" + said);
    }

    /** Runs graft with {@code args} in a child JVM and sends SIGTERM once it has said {@code cue}; its output. */
    private String signalOnceSaid(String cue, String... args) throws Exception {
        Path log = tmp.resolve(args[0] + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (child.isAlive() && System.nanoTime() < deadline && !Files.readString(log).contains(cue)) {
            Thread.sleep(5);
        }
        assertTrue(child.isAlive(), "the child ended before '" + cue + "': " + Files.readString(log));
        new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not stop: " + Files.readString(log));
        String out = Files.readString(log);
        assertNotEquals(0, child.exitValue(), out);
        return out;
    }
}
