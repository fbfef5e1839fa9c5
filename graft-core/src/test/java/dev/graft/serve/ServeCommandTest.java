package dev.graft.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft serve}'s mistakes before it listens: usage errors exit 2, a bad run or port exits 1, one sentence each. */
class ServeCommandTest {
    record Out(int code, String err) {}

    static Out exec(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute(args);
        } finally {
            System.setErr(oldErr);
        }
        return new Out(code, e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void mistakesAreOneSentence(@TempDir Path tmp) throws Exception {
        Path run = ServeFixtures.run(tmp.resolve("tiny"), 41, List.of("a", "b"));
        assertEquals(2, exec("serve").code(), "no --model");
        Out twoNames = exec("serve", "--model", run.toString(), "--model", "x=" + run, "--name", "y");
        assertEquals(2, twoNames.code());
        assertTrue(twoNames.err().contains("--name is for one model"), twoNames.err());
        Out same = exec("serve", "--model", "m=" + run, "--model", "m=" + run);
        assertEquals(2, same.code());
        assertTrue(same.err().contains("two models are named 'm'"), same.err());
        assertEquals(2, exec("serve", "--model", run.toString(), "--precision", "fp16").code());
        assertEquals(2, exec("serve", "--model", run.toString(), "--max-batch", "0").code());
        assertEquals(2, exec("serve", "--model", run.toString(), "--port", "70000").code());
        Out missing = exec("serve", "--model", tmp.resolve("nope").toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertFalse(missing.err().contains("Exception"), missing.err());
        // a port already taken: one sentence, exit 1
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Out busy = exec("serve", "--model", run.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, busy.code(), busy.err());
            assertTrue(busy.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), busy.err());
            assertEquals(1, busy.err().strip().lines().count(), busy.err());
        }
    }
}
