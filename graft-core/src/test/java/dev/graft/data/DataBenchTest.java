package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs through the loader and reports whole batches in its JSON. */
class DataBenchTest {
    @TempDir
    Path tmp;

    @Test
    void countsImagesThroughTheLoader() throws IOException {
        for (int i = 0; i < 6; i++) Fixtures.png(tmp.resolve((i % 2 == 0 ? "a" : "b") + "/" + i + ".png"), 10, 8, i);
        DataBench.Result r = DataBench.run(tmp, 2, 2, 0.3, BadInputTest.CROP2, 4);
        assertTrue(r.images() > 0 && r.imagesPerSecond() > 0, r.toString());
        assertEquals(0, r.images() % 2, "whole batches of 4 and 2 only");
        assertTrue(r.toJson().startsWith("{\"images_per_second\": "), r.toJson());
    }
}
