package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.ImageFolder;
import dev.graft.data.Loader;
import dev.graft.data.SkipList;
import dev.graft.testutil.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unreadable validation image is left out of validation (trial 9): the loader puts the next
 * readable image in its place for training, but validation and the run report must not count
 * that stand-in a second time under the unreadable image's label.
 */
class ValidationSkipTest {
    @TempDir
    Path tmp;

    @Test
    void unreadableValidationImagesAreLeftOutNotCountedAsTheirNeighbour() throws Exception {
        Path dir = TestImages.classFolders(tmp.resolve("val"), 5, 3, "ant", "bee", "cat");
        Files.write(dir.resolve("ant").resolve("ant9.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        ImageFolder data = new ImageFolder(dir);
        assertEquals(10, data.size());
        SkipList skipped = new SkipList();
        List<Integer> indices = new ArrayList<>();
        try (Loader val = Loader.builder(data).batchSize(4).shuffle(false).workers(1).skipList(skipped).build()) {
            for (Batch b : LoaderData.readable(val)) {
                assertEquals(b.n(), b.labels().length);
                for (int k = 0; k < b.n(); k++) {
                    assertEquals(data.label(b.indices()[k]), b.labels()[k], "each sample keeps its own label");
                    indices.add(b.indices()[k]);
                }
            }
        }
        assertEquals(1, skipped.size());
        assertEquals(9, indices.size(), "the 9 readable images, each once: " + indices);
        assertEquals(9, indices.stream().distinct().count());
        assertTrue(indices.stream().noneMatch(i -> data.source(i).endsWith("ant9.png")));
    }
}
