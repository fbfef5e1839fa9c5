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
        Path run = tmp.resolve("run"), log = tmp.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
                data.toString(), "--weights", "none", "--image-size", "96", "--workers", "1", "--out", run.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
        assertFalse(out.contains("Epoch 1/"), "it trained:\n" + out);
        assertFalse(Files.exists(run), "the new run's folder stays:\n" + out);
    }
}
