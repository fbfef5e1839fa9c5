package dev.graft.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.GraftException;
import dev.graft.data.DataLayout;
import dev.graft.data.DataSplits;
import dev.graft.data.Loader;
import dev.graft.data.SkipList;
import dev.graft.io.JsonFields;
import dev.graft.data.transforms.Augment;
import dev.graft.data.transforms.Preset;
import dev.graft.eval.MetricsWarnings;
import dev.graft.io.AtomicFiles;
import dev.graft.models.HeadSpec;
import dev.graft.models.ModelSpec;
import dev.graft.models.Pretrained;
import dev.graft.models.SavedModel;
import dev.graft.nn.Engine;
import dev.graft.nn.Rng;
import dev.graft.report.EpochRecord;
import dev.graft.report.JsonOutput;
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
 * {@code metrics.csv}, {@code skipped.txt} and {@code report.html}. A run directory belongs to
 * one run: it is locked ({@link RunLock}) while a run writes there, a new run refuses a folder
 * holding another one unless told to {@link #overwrite} (and then sets it aside once the new
 * run's data, weights and recipe are checked, and puts it back if the new run stops before its
 * first checkpoint), and {@link #resume} refuses a
 * checkpoint whose recipe differs from {@code run.json}. Every stop that is not a crash (the
 * end, early stopping, an interrupt after an epoch) leaves a usable run: the best model so
 * far, its report (marked when it stopped before its last epoch), how it ended in run.json's
 * {@code results}, and one checkpoint to
 * continue or extend it from ({@link #keepCheckpoints} keeps the best-epoch one as well).
 * A new run that fails before its first checkpoint in a directory made for it (by this run or
 * its caller, {@link #createdHere}) removes that directory again; an existing one is never removed.
 */
public final class TrainingRun {
    public static final String RUN_JSON = "run.json", METRICS = "metrics.csv", SKIPPED = "skipped.txt",
            CHECKPOINTS = "checkpoints", REPORT = "report.html", EVALUATION = "evaluation", LR_FINDER = "lr-finder.png";
    /**
     * Where an overwritten run waits until the new run has its first checkpoint: restored when
     * the new run fails before it (unreadable data, divergence, Ctrl-C), removed after.
     */
    static final String EARLIER_RUN = ".earlier-run";
    /** Everything a run writes in its directory; {@link #overwrite} removes these and nothing else. */
    static final List<String> RUN_FILES = List.of(RUN_JSON, METRICS, SKIPPED, CHECKPOINTS, REPORT,
            SavedModel.WEIGHTS, SavedModel.META, EVALUATION, LR_FINDER, EARLIER_RUN);

    /** The directory already holds a run (or other files), and this run may not replace it. */
    public static final class Occupied extends GraftException {
        public Occupied(String message) { super(message); }
    }

    /** What was asked of a stored run cannot be done (finished already, nothing left to continue from). */
    public static final class Refused extends GraftException {
        public Refused(String message) { super(message); }
    }

    /** What a finished (or stopped) run reports; {@code bestEpoch} is numbered from 1 (0: none), as printed. */
    public record Outcome(Path dir, Fit.Result fit, List<EpochRecord> epochs, double valAccuracy, double valLoss,
                          int bestEpoch, double trainSeconds, double imagesPerSecond, long parameters,
                          long trainableParameters) {
        /** The outcome of {@code result}, its epochs' records and {@code seconds} of training of {@code model}. */
        static Outcome of(Path dir, Fit.Result result, List<EpochRecord> epochs, double seconds,
                          dev.graft.models.ImageModel model) {
            EpochRecord best = epochs.stream().filter(e -> e.epoch() == result.bestEpoch()).findFirst()
                    .orElse(epochs.isEmpty() ? null : epochs.get(epochs.size() - 1));
            return new Outcome(dir, result, List.copyOf(epochs), best == null ? Double.NaN : best.valAcc(),
                    best == null ? Double.NaN : best.valLoss(), result.bestEpoch(), seconds,
                    epochs.stream().mapToDouble(EpochRecord::imagesPerSecond).average().orElse(0),
                    model.parameterCount(), model.trainableParameterCount());
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", dir.toString());
            m.put("status", status());
            m.put("val_accuracy", valAccuracy);
            m.put("val_loss", valLoss);
            m.put("best_epoch", bestEpoch);
            m.put("epochs", epochs.size());
            m.put("train_seconds", trainSeconds);
            m.put("images_per_second", imagesPerSecond);
            m.put("parameters", parameters);
            m.put("trainable_parameters", trainableParameters);
            return m;
        }

        /**
         * How the run ended, as run.json's {@code results}, from what it measured while training:
         * the best epoch's validation accuracy is the one {@code graft train} prints; a value
         * not measured (no validation, no epoch finished) is null.
         */
        public Map<String, Object> results(int plannedEpochs) {
            EpochRecord last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status());
            m.put("message", fit.message());
            m.put("epochs_finished", epochs.size());
            m.put("epochs_planned", plannedEpochs);
            m.put("best_epoch", bestEpoch);
            m.put("best_val_accuracy", valAccuracy);
            m.put("best_val_loss", valLoss);
            m.put("final_train_loss", last == null ? Double.NaN : last.trainLoss());
            m.put("final_train_accuracy", last == null ? Double.NaN : last.trainAcc());
            return m;
        }

        private String status() { return fit.status().name().toLowerCase(Locale.ROOT); }
    }

    private volatile Recipe recipe;
    private Recipe.Builder auto;
    private AutoRecipe.Found found;
    private final Path dir;
    private final Consumer<String> log;
    private final List<FitListener> listeners = new ArrayList<>();
    private volatile Learner learner;
    private volatile boolean interrupted;
    private boolean overwrite, keepCheckpoints, createdHere;
    private List<Path> earlierRun = List.of();
    private boolean keptEarlierRun;
    private String command = "graft train";

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

    /**
     * Chooses the fields {@code given} leaves unset from the data ({@link AutoRecipe}) when a
     * new run starts; {@link #recipe()} is then the resolved recipe, stored in run.json, so a
     * resume reuses it and never runs the finder again. The constructor's recipe only names
     * the data, the model and the weights until then.
     */
    public TrainingRun auto(Recipe.Builder given) { auto = given; return this; }

    public TrainingRun listener(FitListener l) {
        listeners.add(l);
        return this;
    }

    /** Whether a new run may replace a run already in its directory (default: refuse). */
    public TrainingRun overwrite(boolean o) { overwrite = o; return this; }

    /** Keep the best-epoch checkpoint as well when the run stops (default: only the last one, to extend it). */
    public TrainingRun keepCheckpoints(boolean k) { keepCheckpoints = k; return this; }

    /** The caller made the (empty) directory for this run, so a failure before the first checkpoint removes it. */
    public TrainingRun createdHere(boolean c) { createdHere = c; return this; }

    /** What the lock file says holds the directory (default "graft train"). */
    public TrainingRun command(String c) { command = c; return this; }

    /** Whether a run directory asked to keep all its checkpoints (run.json's {@code keep_checkpoints}). */
    public static boolean storedKeepCheckpoints(Path runDir) {
        try {
            JsonObject o = JsonParser.parseString(Files.readString(runDir.resolve(RUN_JSON))).getAsJsonObject();
            return o.has("keep_checkpoints") && o.get("keep_checkpoints").getAsBoolean();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public Recipe recipe() { return recipe; }

    public Path dir() { return dir; }

    /**
     * For the Ctrl-C line: what stopping at once ({@code kill -9}) would leave to resume from, the
     * last checkpoint or, before the first epoch has finished, none ({@link #resume} then starts again).
     */
    public String leftToResume() {
        return Files.isRegularFile(dir.resolve(CHECKPOINTS).resolve(Checkpoint.LAST)) ? "the last checkpoint stays"
                : "no epoch has finished yet, so there is no checkpoint to resume from";
    }

    /** Asks the loop to stop after the current step (from a Ctrl-C hook); the last checkpoint stays. */
    public void interrupt() {
        interrupted = true;
        Learner l = learner;
        if (l != null && l.currentFit() != null) l.currentFit().interrupt();
    }

    /** Trains from the start in a new or empty directory, or one whose run it may {@link #overwrite}. */
    public Outcome run() { return asNewRun(() -> execute(false)); }

    /**
     * Runs {@code work} as a new run, under the lock in a directory that may take it; {@code work}
     * calls {@link #replaceEarlierRun} once its input is checked. When it fails before the first
     * checkpoint, the directory is removed (lock file included, while the lock is still held) if it
     * did not exist before (or {@link #createdHere}), and an overwritten run is put back otherwise.
     */
    <T> T asNewRun(java.util.function.Supplier<T> work) {
        boolean ours = createdHere || !Files.exists(dir);
        try (RunLock lock = lock()) {
            try {
                checkForNewRun();
                T result = work.get();
                settle(false); // an interrupt in the first epoch returns without a checkpoint
                return result;
            } catch (RuntimeException | Error e) {
                settle(ours);
                throw e;
            }
        } finally {
            removeTemporaries(dir);
        }
    }

    /**
     * After a new run: once it has a checkpoint the earlier run it replaces is dropped; without one,
     * a folder made for it is removed ({@code discard}) or else an earlier run put back.
     */
    private void settle(boolean discard) {
        if (Files.exists(dir.resolve(CHECKPOINTS).resolve(Checkpoint.LAST))) deleteTree(dir.resolve(EARLIER_RUN));
        else if (discard) discard();
        else restoreEarlierRun();
    }

    /** Removes the directory of a run that failed before it began; quietly, the failure is what matters. */
    private void discard() {
        try {
            deleteTree(dir);
        } catch (GraftException e) {
            log.accept("warning: " + e.getMessage());
        }
    }

    /**
     * Continues from {@code checkpoints/last.safetensors} with this run's recipe (the stored
     * one, perhaps with more epochs): refuses a checkpoint of another recipe and a run that
     * already trained all its epochs; a run stopped before its first checkpoint starts again.
     */
    public Outcome resume() {
        try (RunLock lock = lock()) {
            removeTemporaries(dir);
            Path last = dir.resolve(CHECKPOINTS).resolve(Checkpoint.LAST);
            if (!Files.isRegularFile(last)) {
                if (Files.exists(dir.resolve(SavedModel.WEIGHTS))) {
                    throw new Refused(dir + " has no checkpoint left to continue from (graft clean removes them);"
                            + " start a new run from its model with --weights " + dir + ".");
                }
                log.accept("note: " + dir + " stopped before its first checkpoint; starting it again from epoch 1"
                        + " with its recipe.");
                overwrite = true;
                checkForNewRun();
                for (Path p : earlierRun) deleteTree(p); // a run without a checkpoint has nothing to set aside
                earlierRun = List.of();
                return execute(false);
            }
            Checkpoint.Header header = Checkpoint.header(last);
            Recipe stored = storedRecipe(dir);
            String differences = differences(stored, header.recipe());
            if (!differences.isEmpty()) {
                throw new GraftException("the last checkpoint in " + dir + " was written by a different recipe than its "
                        + RUN_JSON + " (" + differences + "), so the folder mixes two runs and cannot be resumed.");
            }
            int done = header.fit().epoch();
            if (done >= recipe.epochs()) {
                throw new Refused(recipe.epochs() == stored.epochs()
                        ? dir + " has finished all its " + done + " epochs; add --epochs N (more than " + done
                                + ") to train it longer."
                        : dir + " has already trained " + done + " epochs; --epochs must be more than that to extend it.");
            }
            if (recipe.epochs() != stored.epochs()) {
                log.accept((recipe.epochs() > stored.epochs() ? "extending " : "shortening ") + dir + " from "
                        + stored.epochs() + " to " + recipe.epochs() + " epochs");
            }
            if (recipe.epochs() != stored.epochs() || keepCheckpoints != storedKeepCheckpoints(dir)) updateRunJson();
            return execute(true);
        } finally {
            removeTemporaries(dir);
        }
    }

    /**
     * Recipe fields a resume may change: the epochs (extending), where the data lives (a run
     * moved to another machine) and how many threads decode it.
     */
    private static final java.util.Set<String> NOT_COMPARED = java.util.Set.of("epochs", "data", "workers");

    /** The fields (as options) in which a checkpoint's recipe differs from the stored one, but for {@link #NOT_COMPARED}. */
    static String differences(Recipe stored, String checkpointRecipe) {
        if (checkpointRecipe == null || checkpointRecipe.isBlank()) return "";
        JsonObject a = JsonParser.parseString(stored.toJson()).getAsJsonObject();
        JsonObject b;
        try {
            b = JsonParser.parseString(Recipe.fromJson(checkpointRecipe).toJson()).getAsJsonObject();
        } catch (GraftException e) {
            return "its recipe is not readable";
        }
        List<String> out = new ArrayList<>();
        for (String k : a.keySet()) {
            if (NOT_COMPARED.contains(k) || java.util.Objects.equals(a.get(k), b.get(k))) continue;
            out.add("--" + k.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT) + " " + shown(b.get(k))
                    + " there, " + shown(a.get(k)) + " here");
        }
        return String.join("; ", out);
    }

    private static String shown(com.google.gson.JsonElement e) {
        return e == null || e.isJsonNull() ? "unset" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    RunLock lock() {
        RunLock lock = RunLock.acquire(dir, command);
        if (lock.takenOverFrom() != null) log.accept("note: took over the lock of " + lock.takenOverFrom()
                + ", which is no longer running.");
        return lock;
    }

    /**
     * Refuses a directory holding a run (unless overwriting) or other files; the earlier run's
     * files are removed only by {@link #replaceEarlierRun}, so bad input to the new run loses nothing.
     */
    void checkForNewRun() {
        List<Path> ours = new ArrayList<>(), others = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.equals(RunLock.FILE) || isTemporary(n)) return;
                (RUN_FILES.contains(n) ? ours : others).add(p);
            });
        } catch (IOException e) {
            throw new GraftException("cannot read the run directory " + dir + ": " + e.getMessage(), e);
        }
        if (!others.isEmpty()) {
            throw new Occupied(dir + " is not empty and holds no Graft run (it has " + others.get(0).getFileName()
                    + "); give a new or empty directory.");
        }
        if (ours.isEmpty()) return;
        if (!overwrite) {
            throw new Occupied(dir + " already holds a run; it is replaced only when overwriting is asked for.");
        }
        earlierRun = ours;
    }

    /**
     * Sets the earlier run {@link #checkForNewRun} found aside ({@link #EARLIER_RUN}) once the new
     * run's data, weights and recipe are checked; {@link #asNewRun} removes it after the new run's
     * first checkpoint or puts it back when the new run fails before that.
     */
    void replaceEarlierRun() {
        if (earlierRun.isEmpty()) return;
        Path aside = dir.resolve(EARLIER_RUN);
        try {
            deleteTree(aside); // what a killed earlier replacement left
            Files.createDirectory(aside);
            for (Path p : earlierRun) {
                if (!p.equals(aside)) Files.move(p, aside.resolve(p.getFileName()));
            }
        } catch (IOException e) {
            throw new GraftException("cannot set the earlier run in " + dir + " aside: " + e.getMessage(), e);
        }
        earlierRun = List.of();
        log.accept("replacing the earlier run in " + dir + " (kept until the new run's first checkpoint)");
    }

    /** Whether an overwritten run was put back because this run stopped before its first checkpoint. */
    public boolean keptEarlierRun() { return keptEarlierRun; }

    /** Puts the earlier run back after a new run that failed before its first checkpoint, removing what that run wrote. */
    private void restoreEarlierRun() {
        Path aside = dir.resolve(EARLIER_RUN);
        if (!Files.isDirectory(aside)) return;
        try {
            for (String n : RUN_FILES) if (!n.equals(EARLIER_RUN)) deleteTree(dir.resolve(n));
            try (var s = Files.list(aside)) {
                for (Path p : s.toList()) Files.move(p, dir.resolve(p.getFileName()));
            }
            Files.delete(aside);
            keptEarlierRun = true;
            log.accept("the earlier run in " + dir + " is kept.");
        } catch (IOException | GraftException e) {
            log.accept("warning: the earlier run is in " + aside + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException e) {
            throw new GraftException("cannot remove " + p + ": " + e.getMessage(), e);
        }
    }

    private static boolean isTemporary(String name) { return name.startsWith(".") && name.endsWith(".tmp"); }

    /**
     * Removes what killed writes left in a run directory and its checkpoints (hidden
     * {@code .*.tmp} files); the caller holds the run's lock, so no live writer owns them.
     * Returns the bytes freed.
     */
    public static long removeTemporaries(Path dir) {
        long freed = 0;
        for (Path d : List.of(dir, dir.resolve(CHECKPOINTS))) {
            if (!Files.isDirectory(d)) continue;
            try (var s = Files.list(d)) {
                for (Path p : s.filter(p -> isTemporary(p.getFileName().toString())).toList()) {
                    long size = Files.size(p);
                    if (Files.deleteIfExists(p)) freed += size;
                }
            } catch (IOException e) {
                // a leftover that cannot be removed now is removed by the next run or graft clean
            }
        }
        return freed;
    }

    /** The data, the model with its weights and head, the recipe resolved (automatic, new runs) and its preset. */
    private record Prepared(DataSplits data, Pretrained.Loaded loaded, Preset preset, AutoRecipe.Facts facts) { }

    /** The recipe's data, split and sampled as the run sees it; fails with one sentence on a wrong --classes or no images. */
    public static DataSplits data(Recipe recipe) {
        return DataLayout.resolve(recipe.data(), new DataLayout.Options(recipe.valSplit(), recipe.seed(),
                recipe.perClass(), recipe.classes(), -1));
    }

    private Prepared prepare(boolean resuming) {
        DataSplits data = data(recipe);
        log.accept(data.summary());
        MetricsWarnings.rareClasses(data.classes(), data.train().classCounts()).forEach(w -> log.accept("warning: " + w));
        Rng.manualSeed(recipe.seed());
        // a resume's weights come from its checkpoint: what became of the source's classifier was said by the first run
        Pretrained.Loaded loaded = Pretrained.load(recipe.arch(), recipe.weights(), data.classes(), true,
                n -> { if (!resuming) log.accept("note: " + n); });
        var model = loaded.model();
        if (!resuming && Pretrained.NO_WEIGHTS.equals(loaded.source())
                && (recipe.strategy() == Strategy.HEAD || recipe.strategy() == Strategy.PARTIAL)) {
            log.accept("warning: --strategy " + recipe.strategy() + " without weights freezes a randomly initialised"
                    + " backbone; use --strategy scratch to train every layer, or give --weights.");
        }
        boolean newHead = Heads.isNew(loaded, recipe.head());
        AutoRecipe.Facts facts = null;
        if (!resuming && auto != null) {
            facts = facts(data, loaded, loaded.spec(), newHead);
            recipe = AutoRecipe.resolve(auto, facts);
        }
        Heads.forRecipe(model, recipe, data.classes().size(), newHead && !resuming);
        if (!resuming && recipe.zeroHead() && !newHead) {
            log.accept("note: --zero-head leaves the classifier as it is: the weights' own one fits these classes and is kept.");
        }
        Preset preset = (loaded.weights() != null ? loaded.weights() : loaded.spec().defaultWeights()).preset()
                .scaledTo(recipe.imageSize());
        if (recipe.fullImageEval()) {
            preset = new Preset(recipe.imageSize(), recipe.imageSize(), preset.interpolation(), preset.mean(), preset.std());
        }
        return new Prepared(data, loaded, preset, facts);
    }

    /**
     * {@code graft lr-find}: the recipe resolved as a new run would resolve it and the LR
     * finder's sweep on it; nothing is written. {@link #recipe()} then holds the suggested rate.
     */
    public AutoRecipe.Found sweep() {
        Prepared p = prepare(false);
        try {
            AutoRecipe.Found f = findLr(p.loaded().model(), p.loaded().spec(), p.data(), p.preset(),
                    new SkipList(w -> log.accept("warning: " + w)), true);
            if (p.facts() != null) log.accept(AutoRecipe.describe(recipe, p.facts(), f));
            return f;
        } finally {
            p.loaded().model().close();
        }
    }

    private Outcome execute(boolean resuming) {
        SkipList skipped = new SkipList(w -> log.accept("warning: " + w));
        Prepared p = prepare(resuming);
        DataSplits data = p.data();
        List<String> classes = data.classes();
        Pretrained.Loaded loaded = p.loaded();
        ModelSpec spec = loaded.spec();
        var model = loaded.model();
        HeadSpec head = recipe.head();
        AutoRecipe.Facts facts = p.facts();
        Preset preset = p.preset();
        MemoryCheck.require(recipe, model); // before any batch is read: refuse in seconds what cannot fit
        replaceEarlierRun(); // every check of the input has passed

        try {
            Files.createDirectories(dir.resolve(CHECKPOINTS));
        } catch (IOException e) {
            throw new GraftException("cannot create the run directory " + dir + ": " + GraftException.reason(e), e);
        }
        log.accept((resuming ? "resuming " : "run directory: ") + dir + "; " + Engine.describeThreads());
        if (facts != null) {
            if (auto.givenLr() == null) found = findLr(model, spec, data, preset, skipped, false);
            if (found != null && found.curve() != null) {
                try {
                    AtomicFiles.write(dir.resolve(LR_FINDER), dev.graft.train.lrfind.LrCurvePlot.png(found.curve(), found.lr()));
                } catch (IOException e) {
                    log.accept("warning: cannot write " + dir.resolve(LR_FINDER) + ": " + GraftException.reason(e));
                }
            }
            log.accept(AutoRecipe.describe(recipe, facts, found));
        }
        if (!resuming) writeRunJson(data, loaded.source());

        Augment augment = recipe.augment();
        Loader train = Loader.builder(data.train()).transform(preset.trainTransform(augment)).batchSize(recipe.batchSize())
                .forTraining().seed(recipe.seed()).workers(recipe.workers()).normalize(preset.normalizer()).skipList(skipped)
                .sampler(recipe.sampler().create(data.train(), recipe.seed())).build();
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
                epochs.removeIf(r -> r.epoch() >= epoch);
            }

            @Override
            public void epochEnd(Fit.EpochResult r, Fit fit) {
                Fit.PhaseResult v = r.val();
                epochs.add(new EpochRecord(r.epoch(), r.train().loss(), r.train().accuracy(),
                        v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(),
                        lrAtStart[lrAtStart.length - 1], r.train().seconds() + (v == null ? 0 : v.seconds()),
                        r.train().samples() / Math.max(r.train().seconds(), 1e-9),
                        v == null ? Double.NaN : v.balancedAccuracy(), v == null ? Double.NaN : v.macroF1()));
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
        try (train; val) {
            Fit.Result result = learner.fit(new LoaderData(train, val));
            // a resumed run's time is its epochs' (metrics.csv), not this process's
            double seconds = resuming ? epochs.stream().mapToDouble(EpochRecord::seconds).sum()
                    : (System.nanoTime() - t0) / 1e9;
            Outcome outcome = Outcome.of(dir, result, epochs, seconds, model);
            writeSkipped(skipped);
            if (Fit.nothingToSave(result)) { // no NaN model is written
                writeResults(outcome, data, skipped);
                throw new GraftException(result.message());
            }
            if (!epochs.isEmpty() && bestWeightsLoaded(result, model)) {
                SavedModel saved = SavedModel.write(dir, model, spec.name(), classes, preset, head, loaded.source());
                RunReport.write(dir, recipe, saved, model, data, val, train, epochs, result.bestEpoch(), skipped,
                        preset, augment, stopped(result, epochs.size()), finderPng(),
                        found == null ? null : found.how() + "; trained at lr " + AutoRecipe.fmt(found.lr()) + ".")
                        .forEach(w -> log.accept("warning: " + w));
                if (!keepCheckpoints) deleteTree(dir.resolve(CHECKPOINTS).resolve(Checkpoint.BEST));
            }
            writeResults(outcome, data, skipped);
            return outcome;
        } finally {
            model.close();
        }
    }

    /** What the automatic recipe looks at: the training images, classes, native size, and the weights' source and size. */
    private AutoRecipe.Facts facts(DataSplits data, Pretrained.Loaded loaded, ModelSpec spec, boolean newHead) {
        AutoRecipe.Source source;
        int size;
        if (Pretrained.NO_WEIGHTS.equals(loaded.source())) {
            source = AutoRecipe.Source.NONE;
            size = 0;
        } else if (Files.isDirectory(Path.of(recipe.weights()))) {
            source = AutoRecipe.Source.RUN;
            size = SavedModel.read(Path.of(recipe.weights())).preset().crop();
        } else {
            source = AutoRecipe.Source.PRESET;
            size = (loaded.weights() != null ? loaded.weights() : spec.defaultWeights()).preset().crop();
        }
        return new AutoRecipe.Facts(data.train().size(), data.classes().size(),
                AutoRecipe.Facts.nativeSize(data.train()), source, size, newHead);
    }

    /** Runs the LR finder on augmented training batches and sets the rate. */
    private AutoRecipe.Found findLr(dev.graft.models.ImageModel model, ModelSpec spec, DataSplits data, Preset preset,
                                    SkipList skipped, boolean show) {
        int images = data.train().size();
        if (!AutoRecipe.sweeps(images) && !show) return AutoRecipe.Found.skipped(null); // the recipe's fallback rate stands
        log.accept("finding the learning rate (" + AutoRecipe.finderSteps(recipe, images) + " steps)...");
        AutoRecipe.Found f;
        try (Loader sweep = Loader.builder(data.train()).transform(preset.trainTransform(recipe.augment()))
                .batchSize(AutoRecipe.finderBatch(recipe)).forTraining()
                .seed(recipe.seed() + 1).workers(recipe.workers()).normalize(preset.normalizer()).skipList(skipped).build()) {
            f = AutoRecipe.findLr(model, spec, recipe, images, e -> untilInterrupted(LoaderData.batches(sweep, e)));
        }
        if (!AutoRecipe.sweeps(images)) f = AutoRecipe.Found.skipped(f.curve()); // shown, but train would not sweep
        recipe = recipe.toBuilder().lr(f.lr()).build();
        return f;
    }

    /** {@code batches} that end the LR finder's sweep with a sentence at the next step after a Ctrl-C. */
    private Iterable<Batch> untilInterrupted(Iterable<Batch> batches) {
        return () -> {
            java.util.Iterator<Batch> it = batches.iterator();
            return new java.util.Iterator<>() {
                @Override
                public boolean hasNext() { return it.hasNext(); }

                @Override
                public Batch next() {
                    if (interrupted) throw new GraftException("interrupted while the LR finder ran; nothing was written (the same command starts it again).");
                    return it.next();
                }
            };
        };
    }

    /** The finder's plot when this run ran the finder (also when resumed: it is in the run directory), else null. */
    private byte[] finderPng() {
        try {
            return Files.isRegularFile(dir.resolve(LR_FINDER)) ? Files.readAllBytes(dir.resolve(LR_FINDER)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The automatic choices and the finder's sweep, as run.json's {@code auto} entry. */
    private Map<String, Object> autoJson() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("flags", String.join(" ", AutoRecipe.flags(recipe)));
        if (found != null) {
            Map<String, Object> f = found.toJson();
            if (found.fromSweep()) f.put("plot", LR_FINDER);
            else f.put("skipped", found.how());
            a.put("lr_finder", f);
        }
        return a;
    }

    /**
     * The best weights so far in the model: the loop restores them itself when it ends; after
     * an interrupt they are read back from the checkpoints (false when there are none).
     */
    private boolean bestWeightsLoaded(Fit.Result result, dev.graft.models.ImageModel model) {
        if (result.status() != Fit.Status.INTERRUPTED) return true;
        Path checkpoints = dir.resolve(CHECKPOINTS);
        Map<String, dev.graft.io.TensorData> best = Checkpoint.bestWeights(checkpoints);
        if (best == null && Files.isRegularFile(checkpoints.resolve(Checkpoint.LAST))) {
            best = Checkpoint.read(checkpoints.resolve(Checkpoint.LAST)).model();
        }
        if (best == null) return false;
        model.loadStateDict(best, true);
        return true;
    }

    /** The report's mark for a run that did not train all its epochs, or null. */
    private String stopped(Fit.Result result, int done) {
        String at = "Stopped after epoch " + done + " of " + recipe.epochs();
        return switch (result.status()) {
            case COMPLETED -> null;
            case EARLY_STOPPED -> at + ": no better validation accuracy for " + recipe.patience() + " epochs.";
            case INTERRUPTED -> at + " (interrupted); the model is the best so far. Resume with: graft train --resume "
                    + dir;
            case DIVERGED -> at + ": " + result.message();
        };
    }

    /** Rewrites run.json's recipe (e.g. more epochs) and the automatic recipe's flags, keeping everything else in it. */
    private void updateRunJson() {
        editRunJson(o -> {
            o.add("recipe", JsonParser.parseString(recipe.toJson()));
            o.addProperty("keep_checkpoints", keepCheckpoints);
            if (o.has("auto")) o.getAsJsonObject("auto").addProperty("flags", String.join(" ", AutoRecipe.flags(recipe)));
        });
    }

    /**
     * Adds how the run ended to run.json ({@code results}); with {@code data}, its image counts
     * become the images the run could read, beside how many files it {@code skipped}.
     */
    void writeResults(Outcome outcome, DataSplits data, SkipList skipped) {
        com.google.gson.Gson gson = JsonOutput.gson(false);
        editRunJson(o -> {
            if (data != null && o.has("data")) {
                o.getAsJsonObject("data").add("counts", gson.toJsonTree(data.counts(skipped)));
                o.getAsJsonObject("data").addProperty("skipped", skipped.size());
            }
            o.add("results", gson.toJsonTree(outcome.results(recipe.epochs())));
        });
    }

    /** Rewrites run.json atomically with {@code change} applied, keeping everything else in it. */
    private void editRunJson(Consumer<JsonObject> change) {
        Path f = dir.resolve(RUN_JSON);
        try {
            JsonObject o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
            change.accept(o);
            AtomicFiles.write(f, JsonOutput.gson(true).toJson(o).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new GraftException("cannot update " + f + ": " + e.getMessage(), e);
        }
    }

    private void writeRunJson(DataSplits data, String source) {
        writeRunJson(data.description(), data.classes(), data.counts(), source);
    }

    /** run.json: the recipe, when, the source weights, the data (description, classes, images per class per split), versions. */
    void writeRunJson(String description, List<String> classes, Map<String, int[]> counts, String source) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("recipe", com.google.gson.JsonParser.parseString(recipe.toJson()));
        run.put("started", Instant.now().toString());
        run.put("source_weights", source);
        run.put("keep_checkpoints", keepCheckpoints);
        if (auto != null) run.put("auto", autoJson());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("description", description);
        d.put("classes", classes);
        d.put("counts", counts);
        run.put("data", d);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("graft", "0.1.0");
        v.put("engine", Engine.version());
        v.put("java", System.getProperty("java.version"));
        v.put("threads", Engine.threads());
        run.put("versions", v);
        String json = JsonOutput.gson(true).toJson(run);
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
