package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.report.EpochRecord;
import dev.graft.report.MetricsCsv;
import dev.graft.testutil.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code graft train}, run.json says how the run ended (read back against metrics.csv and
 * the printed result) and counts the images the run could read, beside the skipped ones, as the
 * report's class table does; a run.json from before the results (without them) still resumes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunResultsTest {
    @TempDir
    static Path tmp;

    static Path run;
    static CliConventionsTest.Out trained;

    @BeforeAll
    static void train() throws IOException {
        Path data = TestImages.classFolders(tmp.resolve("data"), 29, 6, "ant", "bee");
        Files.write(data.resolve("bee").resolve("zz-broken.png"), new byte[] {1, 2, 3}); // 13 listed, 12 readable
        run = tmp.resolve("run");
        trained = CliConventionsTest.exec("train", data.toString(), "--weights", "none", "--workers", "0",
                "--image-size", "32", "--epochs", "2", "--batch-size", "2", "--lr", "0.01", "--out", run.toString());
        assertEquals(0, trained.code(), trained.all());
    }

    @Test
    @Order(1)
    void runJsonRecordsHowTheRunEnded() throws IOException {
        checkResults(runJson(), 2, "completed");
        Matcher printed = Pattern.compile("best val Acc: ([0-9.]+) \\(epoch (\\d+)\\)").matcher(trained.out());
        assertTrue(printed.find(), trained.out());
        JsonObject results = runJson().getAsJsonObject("results");
        assertEquals(printed.group(1), String.format(Locale.ROOT, "%.4f", results.get("best_val_accuracy").getAsDouble()));
        assertEquals(Integer.parseInt(printed.group(2)), results.get("best_epoch").getAsInt());
    }

    @Test
    @Order(2)
    void runJsonAndTheReportCountTheReadableImagesBesideTheSkipped() throws IOException {
        JsonObject d = runJson().getAsJsonObject("data");
        int readable = total(d.getAsJsonObject("counts").getAsJsonArray("train"))
                + total(d.getAsJsonObject("counts").getAsJsonArray("val"));
        assertEquals(12, readable, d.toString());
        assertTrue(d.has("skipped"), d.toString());
        assertEquals(1, d.get("skipped").getAsInt(), d.toString());
        assertEquals(1, Files.readAllLines(run.resolve("skipped.txt")).size());
        String report = Files.readString(run.resolve("report.html"));
        Matcher totals = Pattern.compile("<tr class=\"total\"><td>total \\(2 classes\\)</td>"
                + "<td class=\"num\">(\\d+)</td><td class=\"num\">(\\d+)</td>").matcher(report);
        assertTrue(totals.find());
        assertTrue(report.contains("1 file could not be read and was left out of the counts above."));
        assertEquals(12, Integer.parseInt(totals.group(1)) + Integer.parseInt(totals.group(2)));
    }

    /** A run.json from before the results (without them) still resumes, and the extended run records its own. */
    @Test
    @Order(3)
    void anOlderRunJsonWithoutResultsStillResumes() throws IOException {
        JsonObject json = runJson();
        json.remove("results");
        Files.writeString(run.resolve("run.json"), json.toString());
        CliConventionsTest.Out extended = CliConventionsTest.exec("train", "--resume", run.toString(), "--epochs", "3");
        assertEquals(0, extended.code(), extended.all());
        checkResults(runJson(), 3, "completed");
    }

    /** results against metrics.csv: epochs, the best epoch's validation, the last epoch's training. */
    private static void checkResults(JsonObject json, int planned, String status) {
        assertTrue(json.has("recipe") && json.has("data"), json.toString());
        JsonObject results = json.getAsJsonObject("results");
        List<EpochRecord> rows = MetricsCsv.read(run.resolve("metrics.csv"));
        assertFalse(rows.isEmpty());
        assertEquals(status, results.get("status").getAsString());
        assertEquals(rows.size(), results.get("epochs_finished").getAsInt());
        assertEquals(planned, results.get("epochs_planned").getAsInt());
        EpochRecord best = rows.get(results.get("best_epoch").getAsInt() - 1);
        assertEquals(best.valAcc(), results.get("best_val_accuracy").getAsDouble(), 0.0);
        assertEquals(best.valLoss(), results.get("best_val_loss").getAsDouble(), 0.0);
        assertEquals(rows.stream().mapToDouble(EpochRecord::valAcc).max().orElseThrow(), best.valAcc(), 0.0,
                "the best epoch is not the one with the best validation accuracy");
        EpochRecord last = rows.get(rows.size() - 1);
        assertEquals(last.trainLoss(), results.get("final_train_loss").getAsDouble(), 0.0);
        assertEquals(last.trainAcc(), results.get("final_train_accuracy").getAsDouble(), 0.0);
    }

    private static JsonObject runJson() throws IOException {
        return JsonParser.parseString(Files.readString(run.resolve("run.json"))).getAsJsonObject();
    }

    private static int total(com.google.gson.JsonArray a) {
        int t = 0;
        for (var e : a) t += e.getAsInt();
        return t;
    }
}
