package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.testutil.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny imbalanced ImageFolder (24 cats, 3 dogs, seeded): {@code graft train} warns about the
 * rare class at the start and in the report, takes the imbalance options into its recipe, and
 * writes balanced accuracy and macro-F1 per epoch.
 */
class ImbalancedTrainTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void images() throws Exception {
        data = tmp.resolve("data");
        TestImages.classFolders(data.resolve("train"), 11, 24, "cat");
        TestImages.classFolders(data.resolve("train"), 12, 3, "dog");
        TestImages.classFolders(data.resolve("val"), 13, 6, "cat");
        TestImages.classFolders(data.resolve("val"), 14, 2, "dog");
    }

    @Test
    void warnsAndRecordsTheBalancedMetrics() throws Exception {
        Path out = tmp.resolve("run");
        CliConventionsTest.Out r = CliConventionsTest.exec("train", data.toString(), "--out", out.toString(),
                "--arch", "mobilenet_v3_small", "--weights", "none", "--epochs", "2", "--image-size", "32",
                "--batch-size", "8", "--workers", "1", "--augment", "none", "--class-weights", "balanced",
                "--sampler", "balanced", "--monitor", "macro_f1");
        assertEquals(0, r.code(), r.all());
        String rare = "class 'dog' is rare: 3 training images against 24 of 'cat'";
        List<String> lines = r.all().lines().toList();
        int warned = lines.stream().filter(l -> l.contains(rare)).findFirst().map(lines::indexOf).orElse(-1);
        int firstEpoch = lines.stream().filter(l -> l.contains("Loss:")).findFirst().map(lines::indexOf).orElse(lines.size());
        assertTrue(warned >= 0 && warned < firstEpoch, "warned before training:\n" + r.all());
        JsonObject recipe = JsonParser.parseString(Files.readString(out.resolve("run.json"))).getAsJsonObject()
                .getAsJsonObject("recipe");
        assertEquals("balanced", recipe.get("classWeights").getAsString());
        assertEquals("balanced", recipe.get("sampler").getAsString());
        assertEquals("macro_f1", recipe.get("monitor").getAsString());
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertTrue(csv.get(0).endsWith(",val_balanced_acc,val_macro_f1"), csv.get(0));
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",", -1);
            double b = Double.parseDouble(f[8]), m = Double.parseDouble(f[9]);
            assertTrue(b >= 0 && b <= 1 && m >= 0 && m <= 1, row);
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<section id=\"warnings\">") && html.contains(rare.replace("'", "&#39;")), "report warns");
        assertTrue(html.contains("Balanced accuracy") && html.contains("Macro F1"));
    }

    @Test
    void badImbalanceOptionsAreUsageErrors() {
        for (String[] bad : new String[][] {{"--class-weights", "inverse"}, {"--sampler", "stratified"},
                {"--monitor", "val_f1"}, {"--sampler", "balanced", "--strategy", "head", "--cache-features"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("train", data.toString(), "--out",
                    tmp.resolve("never").toString()));
            args.addAll(List.of(bad));
            CliConventionsTest.Out r = CliConventionsTest.exec(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.all());
            assertTrue(r.err().startsWith("graft: "), r.err());
        }
    }
}
