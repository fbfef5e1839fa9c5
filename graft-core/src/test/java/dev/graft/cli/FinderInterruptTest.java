package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.testutil.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real signal to a real {@code graft train} while its LR finder sweeps: the run stops before
 * training, says so in one sentence (the JVM exits as soon as the work returns, so the sentence
 * must be printed before it does) and leaves no run folder. SIGTERM, not SIGINT: both run the
 * same shutdown hook, and a child of a background job may ignore SIGINT.
 */
class FinderInterruptTest {
    @TempDir
    Path tmp;

    @Test
    void aSignalDuringTheFinderSaysNothingWasKept() throws Exception {
        Path data = TestImages.classFolders(tmp.resolve("data"), 23, 40, "ant", "bee"); // 64 training images: the finder runs
        Path run = tmp.resolve("run");
        String out = signalDuringTheSweep("train", data.toString(), "--weights", "none", "--image-size", "96", "--workers", "1",
                "--out", run.toString());
        assertFalse(out.contains("Epoch 1/"), "it trained:\n" + out);
        assertFalse(Files.exists(run), "the new run's folder stays:\n" + out);
        // graft lr-find: the same sentence and no plot (it crashed in libtorch as the JVM exited under the sweep)
        Path plot = tmp.resolve("sweep.png");
        out = signalDuringTheSweep("lr-find", data.toString(), "--weights", "none", "--image-size", "96", "--workers", "1",
                "--plot", plot.toString());
        assertFalse(out.contains("fatal error"), out);
        assertFalse(Files.exists(plot), "a plot of a stopped sweep:\n" + out);
    }

    /** Runs graft with {@code args} in a child JVM, sends SIGTERM once its finder sweeps; its output, checked to say it once. */
    private String signalDuringTheSweep(String... args) throws Exception {
        Path log = tmp.resolve(args[0] + ".log");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(java.util.List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (child.isAlive() && System.nanoTime() < deadline && !Files.readString(log).contains("finding the learning rate")) {
            Thread.sleep(5);
        }
        assertTrue(child.isAlive(), "the child ended before its finder: " + Files.readString(log));
        new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not stop: " + Files.readString(log));
        String out = Files.readString(log);
        assertNotEquals(0, child.exitValue(), out);
        assertEquals(1, out.split("interrupted while the LR finder ran", -1).length - 1, "said once:\n" + out);
        return out;
    }
}
