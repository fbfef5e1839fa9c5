package dev.graft.cli;

import static dev.graft.cli.CliConventionsTest.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.testutil.TestImages;
import dev.graft.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 through the command line: a default {@code graft train} chooses its recipe from the
 * data, prints it in one block with the same as explicit options, records it in run.json, and
 * a resume reuses it without running the LR finder again; {@code --recipe tutorial} does not.
 */
class AutoRecipeCliTest {
    @TempDir
    static Path tmp;
    /** 40 training images (enough for the LR finder), and 16 (too few: the run trains at the fallback rate). */
    static Path data, tiny;

    @BeforeAll
    static void images() throws Exception {
        data = TestImages.classFolders(tmp.resolve("data"), 13, 25, "ant", "bee");
        tiny = TestImages.classFolders(tmp.resolve("tiny"), 13, 10, "ant", "bee");
    }

    static JsonObject runJson(Path run) throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve(TrainingRun.RUN_JSON))).getAsJsonObject();
    }

    /** {@code graft train IMAGES --out RUN} on the automatic recipe without weights, 1 epoch; must succeed. */
    static CliConventionsTest.Out trainOneEpoch(Path images, Path run) {
        CliConventionsTest.Out r = exec("train", images.toString(), "--out", run.toString(), "--weights", "none",
                "--epochs", "1", "--workers", "1");
        assertEquals(0, r.code(), r.all());
        return r;
    }

    @Test
    void defaultTrainChoosesPrintsRecordsAndResumesWithoutTheFinder() throws Exception {
        Path run = tmp.resolve("auto");
        String all = trainOneEpoch(data, run).all();
        assertTrue(all.contains("automatic recipe for 40 images, 2 classes, 40 px, no weights"), all);
        assertEquals(1, all.split("finding the learning rate", -1).length - 1, all);
        int block = all.indexOf("automatic recipe"), same = all.indexOf("same as: --recipe tutorial");
        assertTrue(same > block && all.substring(block, same).lines().count() <= 4, "one block:\n" + all);
        assertTrue(block < all.indexOf("Epoch 1/1"), "printed before training:\n" + all);

        JsonObject o = runJson(run), recipe = o.getAsJsonObject("recipe"), auto = o.getAsJsonObject("auto");
        assertEquals(40, recipe.get("imageSize").getAsInt());
        assertEquals(8, recipe.get("batchSize").getAsInt());
        assertEquals("cosine", recipe.get("schedule").getAsString());
        assertEquals("light", recipe.get("augment").getAsString());
        assertTrue(recipe.get("fullImageEval").getAsBoolean());
        JsonObject finder = auto.getAsJsonObject("lr_finder");
        double lr = recipe.get("lr").getAsDouble();
        assertEquals(finder.get("lr").getAsDouble(), lr);
        assertTrue(lr >= 1e-3 && lr <= 0.1, "lr " + lr);
        assertTrue(finder.getAsJsonArray("losses").size() >= 5);
        assertTrue(Files.size(run.resolve(TrainingRun.LR_FINDER)) > 100);
        assertTrue(Files.readString(run.resolve(TrainingRun.REPORT)).contains("lr-finder"), "the report shows the sweep");

        CliConventionsTest.Out resumed = exec("train", "--resume", run.toString(), "--epochs", "2");
        assertEquals(0, resumed.code(), resumed.all());
        assertFalse(resumed.all().contains("finding the learning rate"), resumed.all());
        assertFalse(resumed.all().contains("automatic recipe"), resumed.all());
        JsonObject after = runJson(run).getAsJsonObject("recipe");
        assertEquals(lr, after.get("lr").getAsDouble());
        assertEquals(2, after.get("epochs").getAsInt());
        String extended = runJson(run).getAsJsonObject("auto").get("flags").getAsString();
        assertTrue(extended.contains("--epochs 2 "), "the recorded options follow the extension: " + extended);

        // the printed options repeat the recipe under --recipe tutorial
        String flags = auto.get("flags").getAsString();
        Path again = tmp.resolve("again");
        List<String> args = new ArrayList<>(List.of("train", data.toString(), "--out", again.toString(), "--weights",
                "none", "--workers", "1"));
        args.addAll(List.of(flags.split(" ")));
        args.set(args.indexOf("--epochs") + 1, "1");
        CliConventionsTest.Out rep = exec(args.toArray(String[]::new));
        assertEquals(0, rep.code(), rep.all());
        assertFalse(rep.all().contains("automatic recipe"), rep.all());
        JsonObject first = runJson(run).getAsJsonObject("recipe"), second = runJson(again).getAsJsonObject("recipe");
        first.addProperty("epochs", 1);
        assertEquals(first, second);
    }

    @Test
    void aNewHeadOnARunsWeightsStartsAtZero() throws Exception {
        Path source = tmp.resolve("source");
        trainOneEpoch(data, source);
        Path other = TestImages.classFolders(tmp.resolve("other"), 17, 25, "cat", "dog");
        // the sweep's first loss is the model's before any step: exactly ln 2 when both classes score 0
        String png = tmp.resolve("zero.png").toString();
        double first = firstSweepLoss(exec("lr-find", other.toString(), "--weights", source.toString(), "--workers", "1",
                "--plot", png, "--json"));
        assertEquals(Math.log(2), first, 1e-6);
        double random = firstSweepLoss(exec("lr-find", other.toString(), "--weights", source.toString(), "--workers", "1",
                "--plot", png, "--zero-head=false", "--json"));
        assertTrue(Math.abs(random - Math.log(2)) > 1e-3, "a random head scores the classes differently: " + random);
        // the source's own classes: its trained head is kept, --zero-head says so and zeroes nothing
        CliConventionsTest.Out kept = exec("lr-find", data.toString(), "--weights", source.toString(), "--workers", "1",
                "--plot", png, "--zero-head", "--json");
        assertTrue(kept.all().contains("--zero-head leaves the classifier as it is"), kept.all());
        assertTrue(Math.abs(firstSweepLoss(kept) - Math.log(2)) > 1e-3, kept.all());

        Path run = tmp.resolve("target");
        CliConventionsTest.Out r = exec("train", other.toString(), "--weights", source.toString(), "--out", run.toString(),
                "--epochs", "1", "--workers", "1");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.all().contains("label smoothing 0.1, the new head from zero"), r.all());
        JsonObject recipe = runJson(run).getAsJsonObject("recipe");
        assertTrue(recipe.get("zeroHead").getAsBoolean());
        assertEquals(dev.graft.train.AutoRecipe.LABEL_SMOOTHING, recipe.get("labelSmoothing").getAsDouble());
        assertTrue(runJson(run).getAsJsonObject("auto").get("flags").getAsString().contains("--zero-head=true"));
        assertTrue(r.all().contains("is replaced by a new one"), r.all());
        // a resume's model is its checkpoint's: the note on the source's classifier is not said again
        CliConventionsTest.Out resumed = exec("train", "--resume", run.toString(), "--epochs", "2");
        assertEquals(0, resumed.code(), resumed.all());
        assertFalse(resumed.all().contains("is replaced by a new one"), resumed.all());
    }

    static double firstSweepLoss(CliConventionsTest.Out sweep) {
        assertEquals(0, sweep.code(), sweep.all());
        return JsonParser.parseString(sweep.out()).getAsJsonObject().getAsJsonArray("losses").get(0).getAsDouble();
    }

    @Test
    void tooFewImagesForTheFinderTrainAtTheDefaultRate() throws Exception {
        Path run = tmp.resolve("tiny-run");
        CliConventionsTest.Out r = trainOneEpoch(tiny, run);
        assertFalse(r.all().contains("finding the learning rate"), r.all());
        assertTrue(r.all().contains("no LR finder: below " + dev.graft.train.AutoRecipe.FINDER_MIN_IMAGES + " images"), r.all());
        JsonObject o = runJson(run);
        assertEquals(dev.graft.train.AutoRecipe.FALLBACK_LR, o.getAsJsonObject("recipe").get("lr").getAsDouble());
        assertTrue(o.getAsJsonObject("auto").getAsJsonObject("lr_finder").has("skipped"), o.toString());
        assertFalse(Files.exists(run.resolve(TrainingRun.LR_FINDER)));

        assertTrue(Files.readString(run.resolve(TrainingRun.REPORT)).contains("no LR finder: below"), "the report says why");

        // lr-find still shows a sweep, but reports the rate train takes
        CliConventionsTest.Out sweep = exec("lr-find", tiny.toString(), "--weights", "none", "--workers", "1",
                "--plot", tmp.resolve("tiny.png").toString(), "--json");
        assertEquals(0, sweep.code(), sweep.all());
        JsonObject found = JsonParser.parseString(sweep.out()).getAsJsonObject();
        assertEquals(dev.graft.train.AutoRecipe.FALLBACK_LR, found.get("lr").getAsDouble(), sweep.all());
        assertTrue(found.get("how").getAsString().contains("for information only"), sweep.all());
        assertTrue(found.getAsJsonArray("losses").size() >= 5, sweep.all());
    }

    @Test
    void lrFindWritesThePlotAndSuggests() throws Exception {
        Path png = tmp.resolve("sweep.png");
        CliConventionsTest.Out r = exec("lr-find", data.toString(), "--weights", "none", "--image-size", "16",
                "--workers", "1", "--plot", png.toString(), "--json");
        assertEquals(0, r.code(), r.all());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        int steps = o.getAsJsonArray("losses").size();
        assertTrue(steps >= 5 && steps <= dev.graft.train.AutoRecipe.FINDER_MAX_STEPS, "steps " + steps);
        double lr = o.get("lr").getAsDouble();
        assertTrue(lr >= 1e-3 && lr <= 0.1, "lr " + lr);
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 100 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
        assertFalse(Files.exists(tmp.resolve("data").resolve("run.json")));

        CliConventionsTest.Out bad = exec("lr-find", data.toString(), "--recipe", "quick");
        assertEquals(2, bad.code(), bad.all());
    }
}
