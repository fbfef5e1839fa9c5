package dev.graft.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.TensorData;
import dev.graft.testutil.TestImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's classifier for the same classes in another order (trial 9: a folder listed
 * alphabetically after a run trained with --classes in another order) is kept, its outputs put
 * in the new order, instead of being replaced by a random head.
 */
class ClassOrderTest {
    @TempDir
    Path tmp;

    static float[] row(TensorData t, int i) {
        float[] all = t.toFloats();
        int n = all.length / (int) t.shape()[0];
        return Arrays.copyOfRange(all, i * n, (i + 1) * n);
    }

    @Test
    void theSameClassesInAnotherOrderKeepTheClassifierReordered() throws Exception {
        Path run = TestImages.savedAntBeeModel(tmp.resolve("run"), 3);
        Map<String, TensorData> saved = dev.graft.io.WeightFiles.read(SavedModel.read(run).weightsFile());
        List<String> notes = new ArrayList<>();
        Pretrained.Loaded swapped = Pretrained.load("resnet18", run.toString(), List.of("bee", "ant"), false, notes::add);
        try (ImageModel m = swapped.model()) {
            assertFalse(swapped.headReplaced());
            assertEquals(List.of("bee", "ant"), swapped.classes());
            assertTrue(notes.size() == 1 && notes.get(0).contains("same classes in another order"), notes.toString());
            Map<String, TensorData> now = m.stateDict();
            assertArrayEquals(row(saved.get("fc.weight"), 1), row(now.get("fc.weight"), 0));
            assertArrayEquals(row(saved.get("fc.weight"), 0), row(now.get("fc.weight"), 1));
            assertArrayEquals(new float[] {saved.get("fc.bias").toFloats()[1], saved.get("fc.bias").toFloats()[0]},
                    now.get("fc.bias").toFloats());
        }
        // other classes: a new head, as before
        Pretrained.Loaded other = Pretrained.load("resnet18", run.toString(), List.of("ant", "cat"), false, n -> { });
        try (ImageModel m = other.model()) {
            assertTrue(other.headReplaced());
        }
    }
}
