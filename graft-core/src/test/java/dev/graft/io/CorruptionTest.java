package dev.graft.io;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static dev.graft.io.IoFixtures.file;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Flips random bytes of every fixture and truncates it at random: reading must either
 * succeed or fail with a GraftException, never with another exception or a huge allocation.
 */
class CorruptionTest {
    @TempDir
    Path tmp;

    @Test
    void damagedFilesFailCleanly() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        for (String name : List.of("state.pth", "state_legacy.pth", "state_protocol4.pth", "checkpoint.pth",
                "unsupported.pth", "view_legacy.pth", "hand.safetensors")) {
            byte[] good = Files.readAllBytes(file(name));
            for (int trial = 0; trial < 150; trial++) {
                byte[] bad = trial % 3 == 0 ? java.util.Arrays.copyOf(good, rnd.nextInt(good.length)) : good.clone();
                if (trial % 3 != 0) {
                    for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
                }
                Path p = Files.write(tmp.resolve("bad-" + name), bad);
                try {
                    // reading is lazy: touch every tensor's data so damage there is found too
                    WeightFiles.read(p).values().forEach(TensorData::data);
                    // a corruption that leaves the file readable is fine
                } catch (GraftException expected) {
                    // the one allowed failure
                } catch (Throwable t) {
                    fail(name + " trial " + trial + " threw " + t, t);
                }
            }
        }
    }
}
