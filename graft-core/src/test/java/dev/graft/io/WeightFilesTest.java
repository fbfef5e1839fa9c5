package dev.graft.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.graft.io.IoFixtures.assertSameTensors;
import static dev.graft.io.IoFixtures.expected;
import static dev.graft.io.IoFixtures.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightFilesTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryFormatByContent() throws Exception {
        assertSameTensors(expected("state"), WeightFiles.read(file("state.pth")));
        assertSameTensors(expected("state"), WeightFiles.read(file("state_legacy.pth")));
        assertSameTensors(expected("safetensors"), WeightFiles.read(file("hand.safetensors")));
        Path renamed = Files.copy(file("hand.safetensors"), tmp.resolve("model.bin"));
        assertSameTensors(expected("safetensors"), WeightFiles.read(renamed));
    }

    @Test
    void writesByExtension() {
        var sd = WeightFiles.read(file("state.pth"));
        Path st = tmp.resolve("m.safetensors"), pth = tmp.resolve("m.pth");
        WeightFiles.write(st, sd);
        WeightFiles.write(pth, sd);
        assertTrue(WeightFiles.isSafetensors(st));
        assertFalse(WeightFiles.isSafetensors(pth));
        assertEquals(sd, WeightFiles.read(st));
        assertSameTensors(sd, WeightFiles.read(pth));
    }
}
