package dev.graft.train;

import com.google.gson.GsonBuilder;
import dev.graft.GraftException;
import dev.graft.data.DataLayout;
import dev.graft.data.DataSplits;
import dev.graft.data.Loader;
import dev.graft.data.SkipList;
import dev.graft.io.JsonFields;
import dev.graft.data.transforms.Augment;
import dev.graft.data.transforms.Preset;
import dev.graft.io.AtomicFiles;
import dev.graft.models.HeadSpec;
import dev.graft.models.ModelSpec;
import dev.graft.models.Pretrained;
import dev.graft.models.SavedModel;
import dev.graft.nn.Engine;
import dev.graft.nn.Rng;
import dev.graft.report.EpochRecord;
import dev.graft.report.MetricsCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One training run from a {@link Recipe} to a run directory: resolves the data layout,
 * builds the model with its weights and head, applies the strategy, trains with
 * checkpoints, and writes {@code model.safetensors}, {@code model.json}, {@code run.json},
 * {@code metrics.csv}, {@code skipped.txt} and {@code report.html}. {@link #resume} continues
 * a run from its last checkpoint with the recipe stored there, exactly.
 */
public final class TrainingRun {
    public static final String RUN_JSON = "run.json", METRICS = "metrics.csv", SKIPPED = "skipped.txt",
            CHECKPOINTS = "checkpoints", REPORT = "report.html";

    /** What a finished (or stopped) run reports. */
    public record Outcome(Path dir, Fit.Result fit, List<EpochRecord> epochs, double valAccuracy, double valLoss,
                          int bestEpoch, double trainSeconds, double imagesPerSecond, long parameters,
                          long trainableParameters) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", dir.toString());
            m.put("status", fit.status().name().toLowerCase(Locale.ROOT));
            m.put("val_accuracy", valAccuracy);
            m.put("val_loss", valLoss);
            m.put("best_epoch", bestEpoch + 1);
            m.put("epochs", epochs.size());
            m.put("train_seconds", trainSeconds);
            m.put("images_per_second", imagesPerSecond);
            m.put("parameters", parameters);
            m.put("trainable_parameters", trainableParameters);
            return m;
        }
    }

    private final Recipe recipe;
    private final Path dir;
    private final Consumer<String> log;
    private final List<FitListener> listeners = new ArrayList<>();
    private volatile Learner learner;
    private volatile boolean interrupted;

    public TrainingRun(Recipe recipe, Path dir, Consumer<String> log) {
        this.recipe = recipe;
        this.dir = dir;
        this.log = log;
    }

    /** The recipe stored in a run directory. */
    public static Recipe storedRecipe(Path runDir) {
        Path f = runDir.resolve(RUN_JSON);
        if (!Files.isRegularFile(f)) {
            throw new GraftException(runDir + " is not a Graft run directory: it has no " + RUN_JSON + ".");
        }
        return Recipe.fromJson(JsonFields.read(f).object("recipe").json().toString());
    }

    public TrainingRun listener(FitListener l) {
        listeners.add(l);
        return this;
    }

    public Recipe recipe() { return recipe; }

    public Path dir() { return dir; }

    /** Asks the loop to stop after the current step (from a Ctrl-C hook); the last checkpoint stays. */
    public void interrupt() {
        interrupted = true;
        Learner l = learner;
        if (l != null && l.currentFit() != null) l.currentFit().interrupt();
    }

    /** Trains from the start. */
    public Outcome run() { return execute(false); }

    /** Continues from {@code checkpoints/last.safetensors}; the recipe is the one stored there. */
    public Outcome resume() {
        if (!Files.isRegularFile(dir.resolve(CHECKPOINTS).resolve(Checkpoint.LAST))) {
            throw new GraftException("nothing to resume in " + dir + ": no " + CHECKPOINTS + "/" + Checkpoint.LAST
                    + " (the run stopped before its first epoch ended).");
        }
        return execute(true);
    }

    private Outcome execute(boolean resuming) {
        SkipList skipped = new SkipList(w -> log.accept("warning: " + w));
        DataSplits data = DataLayout.resolve(recipe.data(), new DataLayout.Options(recipe.valSplit(), recipe.seed(),
                recipe.perClass(), recipe.classes(), -1));
        List<String> classes = data.classes();
        log.accept(data.summary());

        Rng.manualSeed(recipe.seed());
        Pretrained.Loaded loaded = Pretrained.load(recipe.arch(), recipe.weights(), classes, true,
                n -> log.accept("note: " + n));
        ModelSpec spec = loaded.spec();
        var model = loaded.model();
        HeadSpec head = recipe.head();
        if (!head.isLinear()) Heads.set(model, head.build(model.numFeatures(), classes.size()));
        Preset preset = (loaded.weights() != null ? loaded.weights() : spec.defaultWeights()).preset()
                .scaledTo(recipe.imageSize());

        try {
            Files.createDirectories(dir.resolve(CHECKPOINTS));
        } catch (IOException e) {
            throw new GraftException("cannot create the run directory " + dir + ": " + GraftException.reason(e), e);
        }
        log.accept((resuming ? "resuming " : "run directory: ") + dir);
        if (!resuming) writeRunJson(data, loaded.source());

        Augment augment = recipe.augment();
        Loader train = Loader.builder(data.train()).transform(preset.trainTransform(augment)).batchSize(recipe.batchSize())
                .shuffle(true).seed(recipe.seed()).workers(recipe.workers()).normalize(preset.normalizer()).skipList(skipped).build();
        Loader val = Loader.builder(data.val()).transform(preset.evalTransform()).batchSize(recipe.batchSize())
                .shuffle(false).seed(recipe.seed()).workers(recipe.workers()).normalize(preset.normalizer()).skipList(skipped).build();

        List<EpochRecord> epochs = new ArrayList<>();
        if (resuming && Files.exists(dir.resolve(METRICS))) epochs.addAll(MetricsCsv.read(dir.resolve(METRICS)));
        learner = Learner.of(model, spec).configure(recipe).quiet();
        learner.listener(new FitListener() {
            double[] lrAtStart;

            @Override
            public void epochStart(int epoch, Fit fit) {
                lrAtStart = fit.optimizer().groups().stream().mapToDouble(g -> g.lr()).toArray();
                // a resumed run redoes the epoch it was killed in: drop rows from after the checkpoint
                epochs.removeIf(r -> r.epoch() > epoch);
            }

            @Override
            public void epochEnd(Fit.EpochResult r, Fit fit) {
                Fit.PhaseResult v = r.val();
                epochs.add(new EpochRecord(r.epoch() + 1, r.train().loss(), r.train().accuracy(),
                        v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(),
                        lrAtStart[lrAtStart.length - 1], r.train().seconds() + (v == null ? 0 : v.seconds()),
                        r.train().samples() / Math.max(r.train().seconds(), 1e-9)));
                MetricsCsv.write(dir.resolve(METRICS), epochs);
                writeSkipped(skipped);
            }
        });
        // the checkpoint saver runs after the metrics writer, so a checkpoint never lacks its metrics row
        learner.checkpoints(dir.resolve(CHECKPOINTS));
        listeners.forEach(learner::listener);
        if (resuming) learner.resume(dir.resolve(CHECKPOINTS));
        if (interrupted) throw new GraftException("interrupted before training started.");

        long t0 = System.nanoTime();
        Fit.Result result;
        try (train; val) {
            result = learner.fit(new LoaderData(train, val));
            double seconds = (System.nanoTime() - t0) / 1e9;
            writeSkipped(skipped);
            if (result.status() != Fit.Status.INTERRUPTED) {
                SavedModel saved = SavedModel.write(dir, model, spec.name(), classes, preset, head, loaded.source());
                RunReport.write(dir, recipe, saved, model, data, val, train, epochs, skipped, preset, augment);
            }
            EpochRecord best = epochs.stream().filter(e -> e.epoch() == result.bestEpoch() + 1).findFirst()
                    .orElse(epochs.isEmpty() ? null : epochs.get(epochs.size() - 1));
            double trainSeconds = epochs.stream().mapToDouble(EpochRecord::seconds).sum();
            double ips = epochs.stream().mapToDouble(EpochRecord::imagesPerSecond).average().orElse(0);
            return new Outcome(dir, result, List.copyOf(epochs), best == null ? Double.NaN : best.valAcc(),
                    best == null ? Double.NaN : best.valLoss(), result.bestEpoch(), resuming ? trainSeconds : seconds,
                    ips, model.parameterCount(), model.trainableParameterCount());
        } finally {
            model.close();
        }
    }

    private void writeRunJson(DataSplits data, String source) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("recipe", com.google.gson.JsonParser.parseString(recipe.toJson()));
        run.put("started", Instant.now().toString());
        run.put("source_weights", source);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("description", data.description());
        d.put("classes", data.classes());
        d.put("counts", data.counts());
        run.put("data", d);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("graft", "0.1.0");
        v.put("engine", Engine.version());
        v.put("java", System.getProperty("java.version"));
        v.put("threads", Engine.threads());
        run.put("versions", v);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues()
                .create().toJson(run);
        try {
            AtomicFiles.write(dir.resolve(RUN_JSON), json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve(RUN_JSON) + ": " + GraftException.reason(e), e);
        }
    }

    private void writeSkipped(SkipList skipped) {
        try {
            skipped.writeTo(dir.resolve(SKIPPED));
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve(SKIPPED) + ": " + GraftException.reason(e), e);
        }
    }
}
