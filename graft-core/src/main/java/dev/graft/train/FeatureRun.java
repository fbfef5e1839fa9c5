package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.data.DataLayout;
import dev.graft.data.Dataset;
import dev.graft.data.Loader;
import dev.graft.data.Subset;
import dev.graft.image.RgbImage;
import dev.graft.models.Pretrained;
import dev.graft.models.SavedModel;
import dev.graft.nn.Rng;
import dev.graft.report.EpochRecord;
import dev.graft.report.MetricsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code graft train --features DIR}: trains the head of a model on features computed
 * elsewhere ({@link FeatureSet}), without the images, exactly as {@code --cache-features}
 * trains it on features it computes: the same seeded stratified train/val split (of the
 * feature rows, as {@link DataLayout} splits images), the same head initialisation and the
 * same sample order every epoch. The run directory holds what any run holds but the report:
 * {@code model.safetensors} (the source backbone with the trained head, so predict, evaluate and
 * export work on images), {@code model.json} (the features' architecture and preset),
 * {@code run.json}, {@code metrics.csv} and the last checkpoint (an interrupted run writes no
 * model: training on features is quick to do again). Locking, refusing an occupied
 * folder and run.json are {@link TrainingRun}'s.
 */
public final class FeatureRun {
    /** What a feature run refuses: the backbone cannot be trained without the images. */
    public static final String HEAD_ONLY = "--features trains only the head: the images are not there to fine-tune the backbone.";

    private final FeatureSet features;
    private final TrainingRun run;
    private final Consumer<String> log;
    private final List<FitListener> listeners = new ArrayList<>();
    private volatile Learner learner;
    private volatile boolean interrupted;

    /** The recipe's arch and weights are the features' own (see {@link #recipeFor}). */
    public FeatureRun(FeatureSet features, TrainingRun run, Consumer<String> log) {
        this.features = features;
        this.run = run;
        this.log = log;
    }

    /** What is wrong with a recipe for training on these features, or null. */
    public static String problem(Recipe r, FeatureSet f) {
        if (r.strategy() != Strategy.HEAD || r.freezeEpochs() > 0) return HEAD_ONLY;
        if (!r.arch().equals(f.arch())) return "the features were computed by " + f.arch() + ", not " + r.arch() + ".";
        if (r.cacheFeatures() || r.cacheViews() > 0) return "--features are computed already; drop --cache-features/--cache-views.";
        if (r.perClass() > 0 || r.classes() != null) return "--per-class and --classes choose images; with --features all rows are used.";
        return null;
    }

    public Recipe recipe() { return run.recipe(); }

    public FeatureRun listener(FitListener l) {
        listeners.add(l);
        return this;
    }

    /** Asks the loop to stop after the current step (from a Ctrl-C hook); an interrupted run writes no model. */
    public void interrupt() {
        interrupted = true;
        Learner l = learner;
        if (l != null && l.currentFit() != null) l.currentFit().interrupt();
    }

    public TrainingRun.Outcome run() {
        Recipe recipe = run.recipe();
        String problem = problem(recipe, features);
        if (problem != null) throw new GraftException(problem);
        return run.asNewRun(() -> execute(recipe));
    }

    private TrainingRun.Outcome execute(Recipe recipe) {
        Path dir = run.dir();
        List<String> classes = features.classes();
        Dataset[] split = DataLayout.stratifiedSplit(new Rows(features), recipe.valSplit(), recipe.seed());
        FeatureCache train = features.cache(rows(split[0])), val = features.cache(rows(split[1]));
        String description = features.dir() + " (" + features.size() + " feature rows of dimension " + features.dim()
                + "; val = " + Math.round(recipe.valSplit() * 1000) / 10.0 + "%, seed " + recipe.seed() + ")";
        log.accept(description);

        Rng.manualSeed(recipe.seed());
        Pretrained.Loaded loaded = Pretrained.load(recipe.arch(), recipe.weights(), classes, true, n -> log.accept("note: " + n));
        var model = loaded.model();
        try {
            if (model.numFeatures() != features.dim()) {
                throw new GraftException(recipe.arch() + " has " + model.numFeatures() + " features, the files "
                        + features.dim() + ": they were computed by another model.");
            }
            Heads.forRecipe(model, recipe, classes.size(), Heads.isNew(loaded, recipe.head()));
            run.replaceEarlierRun();
            Files.createDirectories(dir.resolve(TrainingRun.CHECKPOINTS));
            log.accept("run directory: " + dir);
            Map<String, int[]> counts = new LinkedHashMap<>();
            counts.put("train", split[0].classCounts());
            counts.put("val", split[1].classCounts());
            run.writeRunJson(description, classes, counts, loaded.source());

            // The sample order of each epoch is the training loader's, as --cache-features follows it.
            try (Loader order = Loader.builder(split[0]).batchSize(recipe.batchSize()).forTraining().seed(recipe.seed())
                    .workers(0).sampler(recipe.sampler().create(split[0], recipe.seed())).build()) {
                LoaderData orderOf = new LoaderData(order, null);
                TrainData cached = FeatureCache.trainData(List.of(train), val.size() == 0 ? null : val,
                        recipe.batchSize(), orderOf::order);
                TrainData data = new TrainData() {
                    public Iterable<Batch> train(int epoch) { return cached.train(epoch); }
                    public Iterable<Batch> val() { return cached.val(); }
                    public int trainBatches() { return order.batchesPerEpoch(); }
                    public int valBatches() { return cached.valBatches(); }
                    public int[] order(int epoch) { return orderOf.order(epoch); }
                    public int[] classCounts() { return split[0].classCounts(); }
                };
                return fit(recipe, model, loaded, data);
            }
        } catch (IOException e) {
            throw new GraftException("cannot create the run directory " + dir + ": " + e.getMessage(), e);
        } finally {
            model.close();
        }
    }

    private TrainingRun.Outcome fit(Recipe recipe, dev.graft.models.ImageModel model, Pretrained.Loaded loaded, TrainData data) {
        Path dir = run.dir();
        List<EpochRecord> epochs = new ArrayList<>();
        Learner learner = Learner.of(model, loaded.spec()).configure(recipe).onFeatures(true);
        this.learner = learner;
        learner.listener(new FitListener() {
            double lr;

            @Override
            public void epochStart(int epoch, Fit fit) { lr = fit.optimizer().groups().get(fit.optimizer().groups().size() - 1).lr(); }

            @Override
            public void epochEnd(Fit.EpochResult r, Fit fit) {
                Fit.PhaseResult v = r.val();
                epochs.add(new EpochRecord(r.epoch(), r.train().loss(), r.train().accuracy(),
                        v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(), lr,
                        r.train().seconds() + (v == null ? 0 : v.seconds()),
                        r.train().samples() / Math.max(r.train().seconds(), 1e-9),
                        v == null ? Double.NaN : v.balancedAccuracy(), v == null ? Double.NaN : v.macroF1()));
                MetricsCsv.write(dir.resolve(TrainingRun.METRICS), epochs);
            }
        });
        learner.checkpoints(dir.resolve(TrainingRun.CHECKPOINTS));
        listeners.forEach(learner::listener);
        if (interrupted) throw new GraftException("interrupted before training started.");
        long t0 = System.nanoTime();
        Fit.Result result = learner.fit(data);
        if (Fit.nothingToSave(result)) throw new GraftException(result.message());
        // interrupted: the weights are the last step's, not the best epoch's; the features train again in moments
        if (!epochs.isEmpty() && result.status() != Fit.Status.INTERRUPTED) {
            SavedModel.write(dir, model, loaded.spec().name(), features.classes(), features.preset(), recipe.head(), loaded.source());
            try {
                Files.deleteIfExists(dir.resolve(TrainingRun.CHECKPOINTS).resolve(Checkpoint.BEST)); // one checkpoint, as a run keeps
            } catch (IOException e) {
                log.accept("note: could not remove the best-epoch checkpoint: " + e.getMessage());
            }
        }
        TrainingRun.Outcome outcome = TrainingRun.Outcome.of(dir, result, epochs, (System.nanoTime() - t0) / 1e9, model);
        run.writeResults(outcome, null, null);
        return outcome;
    }

    private static int[] rows(Dataset part) {
        Subset s = (Subset) part;
        int[] out = new int[s.size()];
        for (int i = 0; i < out.length; i++) out[i] = s.baseIndex(i);
        return out;
    }

    /** The feature rows as a dataset of labels only, so they split exactly as images do. */
    private record Rows(FeatureSet f) implements Dataset {
        public int size() { return f.size(); }
        public List<String> classes() { return f.classes(); }
        public int label(int i) { return f.labels()[i]; }
        public RgbImage image(int i) { throw new UnsupportedOperationException("feature rows have no image"); }
        public String source(int i) { return f.dir() + "#" + i; }
    }
}
