package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.testutil.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue-12 cases as a user meets them on the command line: a diverging run ends with one
 * sentence and writes no model; a batch that cannot fit is refused before any image is read;
 * a final batch of one does not crash BatchNorm.
 */
class RunSafetyTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void setUp() throws IOException {
        data = tmp.resolve("data");
        Random rnd = new Random(12);
        // train: 5 images, so --batch-size 4 leaves a final batch of one; val: 2 images
        for (String c : new String[] {"ant", "bee"}) {
            for (int i = 0; i < (c.equals("ant") ? 3 : 2); i++) TestImages.png(data.resolve("train/" + c + "/" + i + ".png"), rnd);
            TestImages.png(data.resolve("val/" + c + "/v.png"), rnd);
        }
    }

    static CliConventionsTest.Out train(Path out, String... extra) {
        String[] base = {"train", data.toString(), "--weights", "none", "--workers", "0", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliConventionsTest.exec(args);
    }

    @Test
    void aDivergingRunEndsWithTheSentenceAndNeverWritesNonFiniteWeights() {
        Path out = tmp.resolve("lr1e6");
        CliConventionsTest.Out r = train(out, "--lr", "1e6", "--epochs", "3", "--batch-size", "2", "--image-size", "32");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.all().matches("(?s).*(the training loss became (NaN|infinite) at epoch \\d, batch \\d of \\d \\(step \\d+\\)"
                + "|the weights became NaN or infinite during epoch \\d|the validation loss became).*try a lower --lr.*"), r.all());
        assertFalse(r.all().contains("Exception") || r.all().contains("\tat "), r.all());
        if (Files.exists(out.resolve("model.safetensors"))) { // the best epoch before divergence: finite, usable
            assertTrue(r.all().contains("The best model so far (epoch"), r.all());
            assertEquals(0, CliConventionsTest.exec("predict", "--model", out.toString(), data.resolve("val/ant/v.png").toString()).code());
        }
    }

    @Test
    void aFinalBatchOfOneIsDroppedInsteadOfCrashingBatchNorm() {
        Path out = tmp.resolve("single");
        CliConventionsTest.Out r = train(out, "--epochs", "1", "--batch-size", "4", "--arch", "resnet18", "--image-size", "32");
        assertEquals(0, r.code(), r.all());
        assertTrue(Files.exists(out.resolve("model.safetensors")));
    }

    @Test
    void resnet50WithBatch512At224IsRefusedInSecondsWithABatchSizeThatFits() {
        System.setProperty("graft.memory.available", String.valueOf(12L << 30)); // the 12 GB machine
        try {
            long t0 = System.nanoTime();
            Path out = tmp.resolve("r50");
            CliConventionsTest.Out r = train(out, "--arch", "resnet50", "--batch-size", "512", "--image-size", "224");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(1, r.code(), r.all());
            String last = r.err().strip().lines().reduce((x, y) -> y).orElse("");
            assertTrue(last.startsWith("graft: Training resnet50 at 224 px with --batch-size 512 needs about"), r.err());
            assertFalse(r.all().contains("Exception"), r.all());
            assertTrue(r.err().matches("(?s).*--batch-size \\d+ fits \\(or add --no-memory-check to try anyway\\)\\..*"), r.err());
            assertTrue(seconds < 30, seconds + " s");
            assertFalse(Files.exists(out.resolve("checkpoints/last.safetensors")));
        } finally {
            System.clearProperty("graft.memory.available");
        }
    }
}
