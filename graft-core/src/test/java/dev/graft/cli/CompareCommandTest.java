package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.testutil.TestImages;
import dev.graft.train.Comparison;
import dev.graft.train.Learner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft compare}: safe run names, every combination checked first, and what compare.html shows. */
class CompareCommandTest {
    @TempDir
    static Path tmp;
    static Path data, weights;

    @BeforeAll
    static void setUp() throws Exception {
        data = TestImages.classFolders(tmp.resolve("data"), 4, 4, "ant", "bee");
        weights = tmp.resolve("some dir/x.pth");
        Files.createDirectories(weights.getParent());
        Learner.create("mobilenet_v3_small", 2, 5).save(weights);
    }

    @Test
    void runNamesAreSafeAndUnique() {
        assertEquals("resnet18-x-head", Comparison.runName("resnet18", "/tmp/a b/x.pth", "head", Set.of()));
        assertEquals("resnet18-imagenet", Comparison.runName("resnet18", "imagenet", null, Set.of()));
        assertEquals("resnet18-x-2", Comparison.runName("resnet18", "other/x.safetensors", null, Set.of("resnet18-x")));
        assertEquals("resnet18-caf___", Comparison.runName("resnet18", "caf\u00e9:?", null, Set.of()));
    }

    @Test
    void aMissingWeightsFileStopsEverythingBeforeTraining() {
        Path out = tmp.resolve("cmp-missing");
        CliConventionsTest.Out r = CliConventionsTest.exec("compare", data.toString(), "--out", out.toString(),
                "--arch", "mobilenet_v3_small", "--weights", "none," + weights + "," + tmp.resolve("nope.pth"),
                "--epochs", "1", "--image-size", "32");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("nope.pth"), r.err());
        assertFalse(Files.exists(out), "nothing trained");
        r = CliConventionsTest.exec("compare", data.toString(), "--out", out.toString(), "--arch", "mobilenet_v3_small,resnet7",
                "--epochs", "1", "--image-size", "32", "--weights", "none");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("resnet7"), r.err());
        assertFalse(Files.exists(out), "nothing trained");
        r = CliConventionsTest.exec("compare", data.toString(), "--out", out.toString(), "--classes", "nope,other",
                "--epochs", "1", "--image-size", "32", "--weights", "none");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("'nope'") && !r.all().contains("== "), "one sentence, before any run's header: " + r.all());
        assertFalse(Files.exists(out), "nothing trained");
    }

    @Test
    void weightsFileAndNoneTrainSideBySideAndTheReportShowsThemAll() throws Exception {
        Path out = tmp.resolve("cmp");
        CliConventionsTest.Out r = CliConventionsTest.exec("compare", data.toString(), "--out", out.toString(),
                "--arch", "mobilenet_v3_small", "--weights", weights + ",none", "--strategy", "head", "--epochs", "1",
                "--image-size", "32", "--batch-size", "4", "--workers", "1", "--augment", "none", "--val-split", "0.25");
        assertEquals(0, r.code(), r.all());
        // the note says what compare does, and what graft train does instead (RunSafetyLeftoversTest checks train)
        assertTrue(r.all().contains("note: --strategy head with --weights none would freeze a randomly initialised backbone,"
                + " so compare trains that combination as scratch instead (graft train would train it as given"), r.all());
        assertFalse(r.all().contains("as graft train does"), r.all());
        try (var s = Files.list(out)) {
            assertEquals(Set.of("mobilenet_v3_small-x", "mobilenet_v3_small-none", "compare.md", "compare.png", "compare.html"),
                    Set.copyOf(s.map(p -> p.getFileName().toString()).toList()));
        }
        assertTrue(Files.readString(out.resolve("mobilenet_v3_small-none/run.json")).contains("\"strategy\": \"scratch\""));
        String html = Files.readString(out.resolve("compare.html"));
        for (String run : new String[] {"mobilenet_v3_small-x", "mobilenet_v3_small-none"}) {
            assertTrue(html.contains("<a href=\"" + run + "/report.html\">"), run + " is not linked");
            assertTrue(Files.exists(out.resolve(run).resolve("report.html")));
        }
        assertTrue(html.contains("alt=\"validation loss per epoch for each run\""), "loss curves");
        assertTrue(html.contains("alt=\"validation accuracy per epoch for each run\""));
        // the table takes the page's width and wraps its cells instead of scrolling sideways
        assertTrue(html.contains("<table class=\"fit\">") && html.contains("table.fit { width:100%; table-layout:fixed;"));
        assertFalse(html.contains("<div class=\"wide\"><table>"));
    }
}
