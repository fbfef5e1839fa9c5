package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command-line conventions of issue 6 item 10, run in-process through
 * {@link Main#commandLine()} on a tiny run directory (a randomly initialised resnet18 with 3
 * classes, preset 36/32) and a tiny class-folder tree of 40x40 PNGs: help with an example on
 * every command, exit codes 0/1/2, one-sentence errors without stack traces (unless --debug),
 * plain output off a terminal, --quiet, and evaluate/predict outputs that parse.
 */
class CliConventionsTest {
    static final List<String> CLASSES = List.of("ant", "bee", "cat");

    @TempDir
    static Path tmp;
    static Path run;
    static Path data;

    record Out(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Out exec(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Out r = new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        // not on a terminal (as under the test runner): never any colour escapes
        assertFalse(r.all().contains("\u001b["), "ANSI escape in output of " + List.of(args) + ":\n" + r.all());
        return r;
    }

    static void png(Path file, Random rnd) throws IOException { dev.graft.testutil.TestImages.png(file, rnd); }

    @BeforeAll
    static void setUp() throws IOException {
        Rng.manualSeed(7);
        run = tmp.resolve("run");
        try (ImageModel model = Zoo.get("resnet18").build(CLASSES.size())) {
            SavedModel.write(run, model, "resnet18", CLASSES, Preset.imagenet(36, 32, Interpolation.BILINEAR),
                    HeadSpec.LINEAR, "none");
        }
        data = tmp.resolve("data");
        Random rnd = new Random(1);
        for (String c : CLASSES) {
            for (int i = 0; i < 3; i++) png(data.resolve(c).resolve(c + i + ".png"), rnd);
        }
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        Out top = exec("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("Example"), top.out());
        List<String> names = new ArrayList<>(Main.commandLine().getSubcommands().keySet());
        names.remove("help");
        assertTrue(names.containsAll(List.of("predict", "evaluate", "export", "models", "weights")), names.toString());
        for (String name : names) {
            Out r = exec(name, "--help");
            assertEquals(0, r.code(), name + ": " + r.all());
            assertTrue(r.out().contains("Example"), name + " --help has no example:\n" + r.out());
        }
    }

    @Test
    void usageMistakesExitTwo() {
        assertEquals(2, exec("evaluate", "--no-such-option", "--model", run.toString(), data.toString()).code());
        assertEquals(2, exec("predict", "--bogus", data.toString()).code());
        assertEquals(2, exec("no-such-command").code());
        assertEquals(2, exec("evaluate", data.toString()).code(), "missing --model");
        assertEquals(2, exec("predict", "--model", run.toString(), "--batch-size", "x", data.toString()).code());
        Out neither = exec("predict", data.toString());
        assertEquals(2, neither.code());
        assertTrue(neither.err().contains("--model"), neither.err());
        assertEquals(2, exec("predict", "--model", run.toString(), "--arch", "resnet18", data.toString()).code());
        assertEquals(2, exec("predict", "--model", run.toString(), "--topk", "0", data.toString()).code());
        Out precision = exec("evaluate", "--model", run.toString(), "--precision", "fp16", data.toString());
        assertEquals(2, precision.code());
        assertTrue(precision.err().contains("fp32 or bf16"), precision.err());
    }

    /** Exit 1 with exactly one line on stderr naming the thing, and no stack trace. */
    static void oneSentence(Out r, String mentions) {
        assertEquals(1, r.code(), r.all());
        String err = r.err().strip();
        assertFalse(err.isEmpty());
        assertEquals(1, err.lines().count(), "more than one line:\n" + err);
        assertTrue(err.contains(mentions), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
    }

    @Test
    void userMistakesGetOneSentenceAndDebugShowsTheTrace() throws IOException {
        Path missing = tmp.resolve("nothing-here");
        oneSentence(exec("evaluate", "--model", run.toString(), missing.toString()), "nothing-here");
        oneSentence(exec("evaluate", "--model", missing.toString(), data.toString()), "nothing-here");
        oneSentence(exec("predict", "--model", run.toString(), missing.toString()), "nothing-here");
        oneSentence(exec("predict", "--model", missing.toString(), data.toString()), "nothing-here");

        Path bad = tmp.resolve("bad-run");
        Files.createDirectories(bad);
        Files.copy(run.resolve(SavedModel.META), bad.resolve(SavedModel.META));
        Files.write(bad.resolve(SavedModel.WEIGHTS), "this is not a safetensors file".getBytes(StandardCharsets.UTF_8));
        oneSentence(exec("predict", "--model", bad.toString(), data.toString()), "model.safetensors");
        oneSentence(exec("evaluate", "--model", bad.toString(), data.toString()), "model.safetensors");

        Path zoo = tmp.resolve("zoo");
        png(zoo.resolve("zebra").resolve("z.png"), new Random(3));
        png(zoo.resolve("ant").resolve("a.png"), new Random(4));
        oneSentence(exec("evaluate", "--model", run.toString(), zoo.toString()), "'zebra'");

        Out debug = exec("evaluate", "--debug", "--model", run.toString(), missing.toString());
        assertEquals(1, debug.code());
        assertTrue(debug.err().contains("\tat dev.graft."), "--debug shows no stack trace:\n" + debug.err());
    }

    @Test
    void evaluateJsonHasTheKeysAndAgreesWithPredict() throws IOException {
        Path out = tmp.resolve("eval-out");
        Out r = exec("evaluate", "--model", run.toString(), data.toString(), "--json", "--batch-size", "4",
                "--workers", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        for (String key : List.of("accuracy", "per_class", "confusion_matrix", "most_confused")) {
            assertTrue(o.has(key), "no " + key + " in " + r.out());
        }
        assertEquals(9, o.get("count").getAsInt());
        assertEquals(3, o.getAsJsonArray("per_class").size());
        // top-5 of 3 classes is top-3, always right: not shown
        assertFalse(o.has("top5") || o.has("top_k"), r.out());
        JsonArray cm = o.getAsJsonArray("confusion_matrix");
        for (JsonElement row : cm) {
            int sum = 0;
            for (JsonElement v : row.getAsJsonArray()) sum += v.getAsInt();
            assertEquals(3, sum, "each class folder holds 3 images");
        }

        // The same images through predict (its own decode/normalise path) give the same top-1 labels.
        Out p = exec("predict", "--model", run.toString(), data.toString(), "--json", "--topk", "1");
        assertEquals(0, p.code(), p.all());
        JsonArray preds = JsonParser.parseString(p.out()).getAsJsonObject().getAsJsonArray("predictions");
        int[][] confusion = new int[3][3];
        Map<String, Double> topProbability = new HashMap<>();
        for (JsonElement e : preds) {
            JsonObject q = e.getAsJsonObject();
            String truth = Path.of(q.get("image").getAsString()).getParent().getFileName().toString();
            JsonObject best = q.getAsJsonArray("top").get(0).getAsJsonObject();
            String predicted = best.get("label").getAsString();
            confusion[CLASSES.indexOf(truth)][CLASSES.indexOf(predicted)]++;
            topProbability.put(Path.of(q.get("image").getAsString()).toAbsolutePath().toString(),
                    best.get("probability").getAsDouble());
        }
        // and the same probabilities: the mistakes' confidences are predict's top-1 probabilities
        JsonArray worst = o.getAsJsonArray("worst_mistakes");
        assertEquals(9 - o.get("correct").getAsInt(), worst.size());
        for (JsonElement e : worst) {
            JsonObject w = e.getAsJsonObject();
            Double p1 = topProbability.get(Path.of(w.get("source").getAsString()).toAbsolutePath().toString());
            assertNotNull(p1, w.toString());
            assertEquals(p1, w.get("confidence").getAsDouble(), 1e-5, w.toString());
        }
        for (int t = 0; t < 3; t++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(confusion[t][k], cm.get(t).getAsJsonArray().get(k).getAsInt(), "cell " + t + "," + k);
            }
        }
        assertTrue(Files.size(out.resolve("confusion_matrix.png")) > 1000);
        assertNotNull(ImageIO.read(out.resolve("confusion_matrix.png").toFile()));
        assertEquals(o.get("accuracy").getAsDouble(),
                JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject()
                        .get("accuracy").getAsDouble());
        if (o.get("accuracy").getAsDouble() < 1) assertNotNull(ImageIO.read(out.resolve("mistakes.png").toFile()));
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temp files left behind");
        }
    }

    @Test
    void evaluateTextMatchesClassesByNameAndQuietPrintsOnlyResults() throws IOException {
        // test/ wins over the folder itself; it holds two of the model's classes, in another order
        Path layout = tmp.resolve("layout");
        Random rnd = new Random(5);
        for (String c : List.of("cat", "ant")) png(layout.resolve("test").resolve(c).resolve("x.png"), rnd);
        png(layout.resolve("train").resolve("bee").resolve("y.png"), rnd);
        Out r = exec("evaluate", "--quiet", "--model", run.toString(), layout.toString(), "--json");
        assertEquals(0, r.code(), r.all());
        assertEquals("", r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(2, o.get("count").getAsInt());
        int[] support = new int[3];
        JsonArray pc = o.getAsJsonArray("per_class");
        for (int k = 0; k < 3; k++) {
            assertEquals(CLASSES.get(k), pc.get(k).getAsJsonObject().get("class").getAsString());
            support[k] = pc.get(k).getAsJsonObject().get("support").getAsInt();
        }
        assertEquals(List.of(1, 0, 1), List.of(support[0], support[1], support[2]));
        assertTrue(Files.exists(run.resolve("evaluation").resolve("confusion_matrix.png")), "default --out");

        Out text = exec("evaluate", "--model", run.toString(), data.toString(), "--workers", "0");
        assertEquals(0, text.code(), text.all());
        assertTrue(text.out().contains("precision") && text.out().contains("accuracy"), text.out());
        assertTrue(text.out().contains("most confused") || text.out().contains("no confusions"), text.out());
        assertTrue(text.err().contains("confusion_matrix.png"), "says where it wrote:\n" + text.err());
        Out quiet = exec("evaluate", "-q", "--model", run.toString(), data.toString());
        assertEquals(0, quiet.code());
        assertEquals("", quiet.err());
        assertEquals(text.out(), quiet.out());
    }

    @Test
    void predictBatchedOnAFolderAsCsvJsonAndText() {
        Out csv = exec("predict", "--model", run.toString(), data.toString(), "--csv", "--batch-size", "4");
        assertEquals(0, csv.code(), csv.all());
        List<String> lines = csv.out().lines().toList();
        assertEquals("image,rank,index,label,probability,error", lines.get(0));
        assertEquals(1 + 9 * 3, lines.size(), "9 images, top 3 of 3 classes each:\n" + csv.out());
        Map<String, Double> probSums = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertEquals(CLASSES.get(Integer.parseInt(f[2])), f[3]);
            probSums.merge(f[0], Double.parseDouble(f[4]), Double::sum);
        }
        assertEquals(9, probSums.size());
        probSums.values().forEach(s -> assertEquals(1.0, s, 1e-4));

        Out json = exec("predict", "--model", run.toString(), data.toString(), "--json", "--topk", "2");
        assertEquals(0, json.code(), json.all());
        JsonArray preds = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("predictions");
        assertEquals(9, preds.size());
        for (JsonElement e : preds) assertEquals(2, e.getAsJsonObject().getAsJsonArray("top").size());

        Out text = exec("predict", "-q", "--model", run.toString(), data.toString(), "--topk", "1");
        assertEquals(0, text.code(), text.all());
        assertEquals("", text.err());
        assertEquals(18, text.out().lines().count(), text.out());
    }

    @Test
    void predictWithABareWeightsFileLabelsByIndexNotImagenet() {
        Out r = exec("predict", "--arch", "resnet18", "--weights", run.resolve(SavedModel.WEIGHTS).toString(),
                "--resize", "36", "--crop", "32", data.toString(), "--csv", "--topk", "3");
        assertEquals(0, r.code(), r.all());
        for (String line : r.out().lines().skip(1).toList()) {
            String[] f = line.split(",");
            assertEquals(f[2], f[3], "label of an unnamed class is its index: " + line);
        }
        assertTrue(r.err().contains("no class names"), r.err());
    }

    @Test
    void predictReportsAnUnreadableImageAndGoesOn() throws IOException {
        Path mixed = tmp.resolve("mixed");
        png(mixed.resolve("good.png"), new Random(9));
        Files.write(mixed.resolve("broken.png"), new byte[] {1, 2, 3});
        Out r = exec("predict", "--model", run.toString(), mixed.toString(), "--topk", "1");
        assertEquals(0, r.code(), "skipped, as train and evaluate do: " + r.all());
        assertTrue(r.out().contains("good.png"), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("warning: skipped " + mixed.resolve("broken.png")), r.err());
    }

    @Test
    void usageErrorsSayWhatAndWhereToLook() {
        CommandLine cl = Main.commandLine();
        assertNotNull(cl.getSubcommands().get("evaluate"));
        Out r = exec("evaluate", "--model");
        assertEquals(2, r.code());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("graft: ") && lines.get(0).contains("--model"), r.err());
        assertEquals("Try 'graft evaluate --help' for more information.", lines.get(1));
        Out typo = exec("evaluat");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("did you mean 'evaluate'?"), typo.err());
    }

    @Test
    void relativeMissingModelIsOneSentence() {
        oneSentence(exec("predict", "--model", "no-such-run-dir", data.toString()), "no-such-run-dir");
        oneSentence(exec("evaluate", "--model", "no-such-run-dir", data.toString()), "no-such-run-dir");
    }

    @Test
    void evaluateLeavesOutAnUnreadableImageInsteadOfCountingAStandIn() throws IOException {
        Path d = tmp.resolve("with-broken");
        Random rnd = new Random(11);
        for (String c : CLASSES) png(d.resolve(c).resolve("ok.png"), rnd);
        Files.write(d.resolve("ant").resolve("zz-broken.png"), new byte[] {1, 2, 3});
        Out r = exec("evaluate", "--model", run.toString(), d.toString(), "--json", "--workers", "1",
                "--out", tmp.resolve("broken-out").toString());
        assertEquals(0, r.code(), r.all());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(3, o.get("count").getAsInt(), "the broken image is not replaced by another one");
        assertEquals(1, o.get("skipped").getAsInt());
        assertTrue(r.err().contains("zz-broken.png"), r.err());
    }
}
