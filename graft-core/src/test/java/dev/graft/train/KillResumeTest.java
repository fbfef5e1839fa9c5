package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL at a random moment (mid-step or mid-checkpoint-write)
 * and resumed from its run directory ends with the same bits as a run left alone.
 */
class KillResumeTest {
    static final int EPOCHS = 6;

    /** The child process: trains with checkpoints into args[0] until done or killed. */
    public static void main(String[] args) throws Exception {
        ResumeTest.Run run = ResumeTest.newRun("adam_cosine", Path.of(args[0]));
        run.fit().epochs(EPOCHS).run(ResumeTest.data());
    }

    @Test
    void sigkillAtARandomMomentThenResume(@TempDir Path tmp) throws Exception {
        ResumeTest.Run a = ResumeTest.newRun("adam_cosine", tmp.resolve("a"));
        a.fit().epochs(EPOCHS).run(ResumeTest.data());
        Map<String, TensorData> straight = a.model().stateDict();
        a.model().close();

        Path dir = tmp.resolve("b");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                KillResumeTest.class.getName(), dir.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path last = dir.resolve(Checkpoint.LAST);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(last) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(Files.exists(last), "the child wrote no checkpoint: " + Files.readString(tmp.resolve("child.log")));
        Thread.sleep(new SplittableRandom(16).nextInt(400)); // seeded: the same moment on every run
        child.destroyForcibly(); // SIGKILL
        child.waitFor();

        ResumeTest.Run c = ResumeTest.newRun("adam_cosine", dir);
        Checkpoint ck = Checkpoint.read(last);
        c.fit().epochs(EPOCHS).resume(ck.restore(c.model(), c.fit().optimizer(), c.fit().schedule()),
                Files.exists(dir.resolve(Checkpoint.BEST)) ? Checkpoint.read(dir.resolve(Checkpoint.BEST)).model() : null);
        c.fit().run(ResumeTest.data());
        System.out.println("killed after epoch " + ck.fit().epoch() + " of " + EPOCHS + "; stray temporaries: "
                + Checkpoint.strayTemporaries(dir).size());
        Map<String, TensorData> resumed = c.model().stateDict();
        for (String k : straight.keySet()) assertArrayEquals(straight.get(k).data(), resumed.get(k).data(), k);
        c.model().close();
    }
}
