package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.data.transforms.Augment;
import dev.graft.io.Safetensors;
import dev.graft.io.TensorData;
import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import dev.graft.testutil.TestImages;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory written by Graft before the typed recipe (fixtures/train/legacy-run, made at
 * commit 3ab0187 by src/test/python/strip_checkpoint_model.py's recipe: head strategy, mlp head,
 * bn eval, adamw, onecycle, 1 of 2 epochs done) still reads with the same values and resumes.
 * The committed checkpoint lacks the (large) model tensors; freshly initialised ones are put back.
 */
class ResumeCompatibilityTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/train/legacy-run");

    @TempDir
    Path tmp;

    @Test
    void oldRunJsonReadsAsTheSameRecipeAndWritesBackTheSameJson() throws Exception {
        Path run = copyFixture(tmp.resolve("data").toString());
        Recipe r = TrainingRun.storedRecipe(run);
        assertEquals(Strategy.HEAD, r.strategy());
        assertEquals(BnPolicy.EVAL, r.bn());
        assertEquals(OptimizerKind.ADAMW, r.optimizer());
        assertEquals(ScheduleKind.ONECYCLE, r.schedule());
        assertEquals(Augment.STANDARD, r.augment());
        assertEquals("mlp:8:dropout=0.1", r.head().toString());
        assertEquals(2, r.epochs());
        JsonObject old = JsonParser.parseString(Files.readString(run.resolve(TrainingRun.RUN_JSON))).getAsJsonObject()
                .getAsJsonObject("recipe");
        JsonObject now = JsonParser.parseString(r.toJson()).getAsJsonObject();
        old.entrySet().forEach(e -> assertEquals(e.getValue(), now.get(e.getKey()), e.getKey()));
    }

    @Test
    void oldRunDirectoryResumes() throws Exception {
        // 12 training images: 3 batches of 4 per epoch, as when the fixture was made (no final batch of one to drop)
        Path data = TestImages.classFolders(tmp.resolve("data"), 1, 5, "ant", "bee", "cat");
        Path run = copyFixture(data.toString());
        Recipe recipe = TrainingRun.storedRecipe(run);
        Path last = run.resolve(TrainingRun.CHECKPOINTS).resolve(Checkpoint.LAST);
        ModelSpec spec = Zoo.get(recipe.arch());
        Rng.manualSeed(0);
        try (ImageModel model = spec.build(3)) {
            Heads.set(model, recipe.head().build(model.numFeatures(), 3));
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
            tensors.putAll(Safetensors.read(last));
            Safetensors.write(last, tensors, Safetensors.readMetadata(last));
        }
        // format 1 stored the next epoch's 0-based index (1) and a 0-based best epoch (0): epoch 1 done, best epoch 1
        Fit.State state = Checkpoint.header(last).fit();
        assertEquals(1, state.epoch());
        assertEquals(1, state.bestEpoch());
        List<Integer> started = new ArrayList<>();
        TrainingRun.Outcome o = new TrainingRun(recipe, run, m -> { }).listener(new FitListener() {
            @Override public void epochStart(int epoch, Fit f) { started.add(epoch); }
        }).resume();
        assertEquals(Fit.Status.COMPLETED, o.fit().status());
        assertEquals(List.of(2), started);
        assertEquals(List.of(1, 2), o.epochs().stream().map(dev.graft.report.EpochRecord::epoch).toList());
        assertTrue(o.bestEpoch() == 1 || o.bestEpoch() == 2, "best epoch " + o.bestEpoch());
        assertTrue(Files.exists(run.resolve("model.safetensors")));
    }

    @Test
    void aRecipeThatCannotBeSaysWhyInOneSentence() throws Exception {
        Path run = copyFixture("somewhere");
        Path f = run.resolve(TrainingRun.RUN_JSON);
        Files.writeString(f, Files.readString(f).replace("\"adamw\"", "\"lbfgs\""));
        Recipe.Invalid e = assertThrows(Recipe.Invalid.class, () -> TrainingRun.storedRecipe(run));
        assertEquals("the stored recipe is not valid: unknown optimizer 'lbfgs'; use sgd, adam or adamw.", e.getMessage());
    }

    private Path copyFixture(String data) throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run.resolve(TrainingRun.CHECKPOINTS));
        for (String f : new String[] {TrainingRun.RUN_JSON, TrainingRun.METRICS, "checkpoints/" + Checkpoint.LAST}) {
            Files.copy(FIXTURE.resolve(f), run.resolve(f));
        }
        Path json = run.resolve(TrainingRun.RUN_JSON);
        Files.writeString(json, Files.readString(json).replace("\"DATA\"", new com.google.gson.Gson().toJson(data)));
        return run;
    }
}
