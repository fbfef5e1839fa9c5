package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.Module;
import dev.graft.train.loss.ClassWeights;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.loss.Loss;
import dev.graft.train.loss.NLLLoss;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.optim.ParamGroup;
import dev.graft.train.schedule.LrSchedule;
import dev.graft.train.schedule.OneCycleLR;
import dev.graft.train.schedule.ScheduleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The fluent Java API over the training pieces, reading like the seeds' PyTorch code:
 * <pre>{@code
 * Learner learner = Learner.create("resnet18", 2)        // models.resnet18(); fc = Linear(512, 2)
 *         .weights(imagenetStateDict)                      // pretrained backbone, old fc dropped
 *         .strategy(Strategy.HEAD)                          // requires_grad = False but for fc
 *         .sgd(0.001, 0.9)                                  // optim.SGD(..., lr=0.001, momentum=0.9)
 *         .stepLR(7, 0.1)                                   // lr_scheduler.StepLR(step_size=7, gamma=0.1)
 *         .epochs(25);
 * Fit.Result result = learner.fit(data);                   // train_model(...): best weights kept
 * learner.save(Path.of("model.pth"));                      // torch.save(model.state_dict(), ...)
 * Predict.Predictions p = learner.predict(testBatches);
 * }</pre>
 * Defaults: strategy FINETUNE, SGD lr 1e-3 momentum 0.9, cross-entropy, the BatchNorm policy
 * measured best for the strategy ({@link BnPolicy#forStrategy}), backbone learning-rate
 * multiplier {@link Strategy#DEFAULT_BACKBONE_LR_MULT} (0.1), seed 0, best weights restored.
 * The Learner owns the BatchNorm default and the feature-cache rules ({@link #problem}); a
 * {@link Recipe} configures it in one call ({@link #configure}), as {@code graft train} does.
 */
public final class Learner {
    /** Builds a schedule once the optimizer and the number of steps are known. */
    public interface ScheduleFactory {
        LrSchedule create(Optimizer optimizer, int epochs, int stepsPerEpoch);
    }

    private final ImageModel model;
    private final ModelSpec spec;
    private Strategy strategy = Strategy.FINETUNE;
    private String unfreezeFrom;
    private BnPolicy bn = BnPolicy.AUTO; // AUTO: Graft's measured default per strategy (BnPolicy.forStrategy)
    private double lr = 1e-3, backboneLrMult = Strategy.DEFAULT_BACKBONE_LR_MULT;
    private Function<List<ParamGroup>, Optimizer> optimizerFactory = g -> OptimizerKind.SGD.build(g, 1e-3, 0.9, 0);
    private ScheduleFactory scheduleFactory;
    private Loss loss = new CrossEntropyLoss();
    private ClassWeights classWeights = ClassWeights.NONE;
    private Monitor monitor = Monitor.VAL_ACC;
    private int epochs = 1, patience = 0, freezeEpochs = 0;
    private long seed = 0;
    private boolean bfloat16;
    private final List<FitListener> listeners = new ArrayList<>();
    private boolean quiet;
    private String notice = "";
    private java.nio.file.Path checkpointDir, resumeDir;
    private String recipe = "";
    private int cacheViews;
    private boolean onFeatures;
    private Fit fit;

    private Learner(ImageModel model, ModelSpec spec) {
        this.model = model;
        this.spec = spec;
    }

    /** A zoo architecture with a new {@code Linear} head for {@code numClasses}, initialised from seed 0. */
    public static Learner create(String arch, int numClasses) { return create(arch, numClasses, 0); }

    /** A zoo architecture whose random initialisation (torchvision's schemes) is drawn from {@code initSeed}. */
    public static Learner create(String arch, int numClasses, long initSeed) {
        ModelSpec spec = Zoo.get(arch);
        dev.graft.nn.Rng.manualSeed(initSeed);
        return new Learner(spec.build(numClasses), spec);
    }

    /** An existing model described by its spec. */
    public static Learner of(ImageModel model, ModelSpec spec) { return new Learner(model, spec); }

    /** Loads pretrained weights; a head of another shape is dropped (see {@link #notice()}). */
    public Learner weights(Map<String, TensorData> stateDict) {
        notice = Heads.loadBackbone(model, spec, stateDict).notice();
        return this;
    }

    /** Loads pretrained weights from a {@code .pth}/{@code .safetensors} file (format by content). */
    public Learner weights(java.nio.file.Path file) { return weights(dev.graft.io.WeightFiles.read(file)); }

    /** Saves the model's state dict: {@code .safetensors} by extension, else a torch.save zip PyTorch loads. */
    public Learner save(java.nio.file.Path file) {
        dev.graft.models.SavedModel.requireFinite(model, file);
        dev.graft.io.WeightFiles.write(file, model.stateDict());
        return this;
    }

    /** Replaces the head with {@code Linear(in, numClasses)}. */
    public Learner head(int numClasses) { Heads.replace(model, numClasses); return this; }

    /** Puts a custom head (e.g. {@link Heads#mlp}) at the head location. */
    public Learner head(Module head) { Heads.set(model, head); return this; }

    public Learner strategy(Strategy s) { strategy = s; return this; }

    /** {@link Strategy#PARTIAL} from a layer group, e.g. {@code layer4}. */
    public Learner strategy(Strategy s, String unfreezeFrom) { strategy = s; this.unfreezeFrom = unfreezeFrom; return this; }

    public Learner bn(BnPolicy policy) { bn = policy; return this; }

    public Learner backboneLrMult(double m) { backboneLrMult = m; return this; }

    /** Staged fine-tuning: train only the head for n epochs, then apply the strategy (fastai's fine_tune). */
    public Learner freezeEpochs(int n) { freezeEpochs = n; return this; }

    public Learner sgd(double lr, double momentum) { return sgd(lr, momentum, 0); }

    public Learner sgd(double lr, double momentum, double weightDecay) {
        return optimizer(OptimizerKind.SGD, lr, momentum, weightDecay);
    }

    public Learner adam(double lr) { return optimizer(OptimizerKind.ADAM, lr, 0, 0); }

    /** AdamW; weight decay 0 means its usual 0.01. */
    public Learner adamw(double lr, double weightDecay) { return optimizer(OptimizerKind.ADAMW, lr, 0, weightDecay); }

    /** The optimizer of a kind ({@link OptimizerKind#build}); momentum is SGD's. */
    public Learner optimizer(OptimizerKind kind, double lr, double momentum, double weightDecay) {
        return optimizer(lr, g -> kind.build(g, lr, momentum, weightDecay));
    }

    /** Any optimizer over the strategy's parameter groups (head at {@code lr}, backbone scaled). */
    public Learner optimizer(double lr, Function<List<ParamGroup>, Optimizer> factory) {
        this.lr = lr;
        optimizerFactory = factory;
        return this;
    }

    public Learner stepLR(int stepSize, double gamma) { return schedule(ScheduleKind.STEP, stepSize, gamma, 0); }

    /**
     * One-cycle over the whole fit: the head peaks at {@code maxLr}, every other parameter
     * group at its own rate scaled alike (a fine-tuned backbone keeps its multiplier).
     */
    public Learner oneCycle(double maxLr) {
        return schedule((o, e, s) -> {
            if (s <= 0) throw new GraftException("the one-cycle schedule needs the number of batches per epoch");
            return new OneCycleLR(o, OneCycleLR.groupRates(o, maxLr / lr), e * s);
        });
    }

    /** A schedule of a kind with the recipe's numbers ({@link ScheduleKind#create}); {@code NONE} clears it. */
    public Learner schedule(ScheduleKind kind, int stepSize, double gamma, int warmupEpochs) {
        return schedule(kind == ScheduleKind.NONE ? null
                : (o, e, s) -> kind.create(o, e, s, stepSize, gamma, warmupEpochs));
    }

    public Learner schedule(ScheduleFactory f) { scheduleFactory = f; return this; }

    public Learner loss(Loss l) { loss = l; return this; }

    /**
     * Weights the loss per class from the training data's class counts ({@link TrainData#classCounts}):
     * {@code BALANCED} as scikit-learn's {@code compute_class_weight}. Needs a cross-entropy or NLL loss.
     */
    public Learner classWeights(ClassWeights w) { classWeights = w; return this; }

    /** What picks the best epoch and drives early stopping (default: validation accuracy). */
    public Learner monitor(Monitor m) { monitor = m; return this; }

    public Learner epochs(int n) { epochs = n; return this; }

    public Learner seed(long s) { seed = s; return this; }

    /**
     * Mixed-precision bfloat16 training (convolutions and linear layers in bfloat16, float32
     * weights, {@link dev.graft.nn.Autocast}); validation and inference (the feature cache, reports) run bfloat16 too.
     */
    public Learner bfloat16(boolean on) { bfloat16 = on; return this; }

    public Learner patience(int p) { patience = p; return this; }

    public Learner listener(FitListener l) { listeners.add(l); return this; }

    /** No epoch log on stdout (by default {@link #fit} prints one, like the tutorial's loop). */
    public Learner quiet() { quiet = true; return this; }

    /** Writes {@code dir/last.safetensors} every epoch and {@code dir/best.safetensors} on improvement. */
    public Learner checkpoints(java.nio.file.Path dir) { checkpointDir = dir; return this; }

    /**
     * With {@link Strategy#HEAD} and no random augmentation: run the frozen backbone once per
     * image and train the head on the cached features (same result, a fraction of the time).
     * Each epoch follows the data's own sample order when it can tell it ({@link TrainData#order},
     * as a shuffling {@link LoaderData} does), so the result equals recomputing; otherwise the
     * cached samples are reshuffled every epoch from the seed.
     */
    public Learner cacheFeatures(boolean on) { cacheViews = on ? 1 : 0; return this; }

    /**
     * Feature caching with random augmentation: views {@code 0..k-1} are the training batches
     * of the first k epochs (each augmented differently by the loader); epoch {@code e} (from 1)
     * trains on view {@code (e - 1) mod k}, reshuffled from the seed.
     */
    public Learner cacheViews(int k) { cacheViews = k; return this; }

    /**
     * The data's batches are the backbone's features already (computed elsewhere, as
     * {@code graft train --features} reads them): train the head alone on them, as the feature
     * cache does. Needs {@link Strategy#HEAD}.
     */
    public Learner onFeatures(boolean on) { onFeatures = on; return this; }

    /** The recipe (JSON) stored in every checkpoint, so a resume can rebuild the run. */
    public Learner recipe(String json) { recipe = json; return this; }

    /**
     * Continues from {@code dir/last.safetensors} (weights, optimizer, schedule, counters) on
     * the next {@link #fit}; the learner must be configured as the original run was.
     */
    public Learner resume(java.nio.file.Path dir) { resumeDir = dir; return this; }

    public ImageModel model() { return model; }

    public ModelSpec spec() { return spec; }

    /** What loading weights had to say (a dropped head), or "". */
    public String notice() { return notice; }

    /** The fit loop of the last {@link #fit} call (to interrupt it from a Ctrl-C hook). */
    public Fit currentFit() { return fit; }

    /** Freezes, builds optimizer and schedule, and trains; the model ends with the best weights. */
    public Fit.Result fit(TrainData data) {
        String problem = problem(strategy, freezeEpochs, cacheViews > 0 || onFeatures, false);
        if (problem == null && onFeatures && cacheViews > 0) problem = "features computed elsewhere are not cached again.";
        if (problem != null) throw new GraftException(problem);
        Strategy initial = freezeEpochs > 0 ? Strategy.HEAD : strategy;
        initial.apply(model, spec, unfreezeFrom, bnFor(initial));
        // the optimizer's state is as large as the trainable parameters (twice for Adam): freed when the fit ends
        try (Optimizer optimizer = optimizerFactory.apply(strategy.paramGroups(model, spec, lr, backboneLrMult))) {
            return fit(data, optimizer);
        }
    }

    private Fit.Result fit(TrainData data, Optimizer optimizer) {
        model.setBfloat16Inference(bfloat16);
        fit = new Fit(model, optimizer, weighted(loss, data)).epochs(epochs).seed(seed).patience(patience)
                .bfloat16(bfloat16).monitor(monitor);
        if (scheduleFactory != null) {
            int steps = data.trainBatches();
            if (steps < 0 && cacheViews > 0) {
                int n = 0;
                for (Batch b : data.train(0)) n++;
                steps = n;
            }
            fit.schedule(scheduleFactory.create(optimizer, epochs, steps));
        }
        if (freezeEpochs > 0) {
            fit.listener(new FitListener() {
                boolean unfrozen;

                @Override
                public void epochStart(int epoch, Fit f) {
                    // > rather than == freezeEpochs + 1: a run resumed after the switch must unfreeze too
                    if (epoch > freezeEpochs && !unfrozen) {
                        strategy.apply(model, spec, unfreezeFrom, bnFor(strategy));
                        unfrozen = true;
                    }
                }
            });
        }
        if (cacheViews > 0) {
            TrainData source = data;
            int batchSize = source.train(0).iterator().next().n();
            List<FeatureCache> views = FeatureCache.views(model, source::train, cacheViews);
            FeatureCache val = FeatureCache.compute(model, source.val());
            FeatureCache first = views.get(0);
            // follow the loader's own order when it can tell it, so caching changes nothing
            java.util.function.IntFunction<int[]> order = source.order(0) != null ? source::order
                    : e -> first.shuffledIds(seed, e);
            data = FeatureCache.trainData(views, val.size() == 0 ? null : val, batchSize, order);
            fit.forward(model::forwardHead);
        }
        if (onFeatures) fit.forward(model::forwardHead);
        if (resumeDir != null) {
            Checkpoint last = Checkpoint.read(resumeDir.resolve(Checkpoint.LAST));
            fit.resume(last.restore(model, optimizer, fit.schedule()), Checkpoint.bestWeights(resumeDir));
        }
        if (checkpointDir != null) fit.listener(Checkpoint.saver(checkpointDir, seed, recipe));
        if (!quiet) fit.listener(new EpochLog(System.out::println, epochs));
        listeners.forEach(fit::listener);
        return fit.run(data);
    }

    /** The loss with the class weights the training data's counts give, or the loss itself without class weights. */
    private Loss weighted(Loss l, TrainData data) {
        if (classWeights == ClassWeights.NONE) return l;
        int[] counts = data.classCounts();
        if (counts == null) throw new GraftException("class weights need the training data's images per class.");
        if (!(l instanceof NLLLoss nll)) throw new GraftException("class weights need a cross-entropy or NLL loss.");
        return nll.withWeight(classWeights.weights(counts));
    }

    private BnPolicy bnFor(Strategy s) { return bn != null && bn != BnPolicy.AUTO ? bn : BnPolicy.forStrategy(s); }

    /**
     * What is wrong with these settings for a learner, or null: freeze epochs need a strategy
     * that unfreezes later, feature caching a frozen backbone (the head strategy, no freeze
     * epochs) and, with random augmentation, several cached views. Checked when a recipe is
     * built (before any data is read) and again by {@link #fit}.
     */
    public static String problem(Strategy strategy, int freezeEpochs, boolean caching, boolean oneRandomView) {
        if (freezeEpochs > 0 && strategy == Strategy.HEAD) {
            return "--freeze-epochs only makes sense with the finetune or partial strategy.";
        }
        if (caching && (strategy != Strategy.HEAD || freezeEpochs > 0)) {
            return "--cache-features needs --strategy head without --freeze-epochs (the backbone must be frozen).";
        }
        if (caching && oneRandomView) {
            return "cached features would freeze one random augmentation: use --augment none,"
                    + " or --cache-views K to cache K augmented views.";
        }
        return null;
    }

    /**
     * Everything a recipe says about training: strategy, BatchNorm policy, backbone rate,
     * optimizer, schedule, loss and class weights, monitor, epochs, seed, patience, precision and feature caching, and
     * the recipe itself for the checkpoints. {@code graft train} configures its learner with this one call.
     */
    public Learner configure(Recipe r) {
        strategy(r.strategy(), r.unfreezeFrom()).bn(r.bn()).backboneLrMult(r.backboneLrMult())
                .freezeEpochs(r.freezeEpochs()).epochs(r.epochs()).seed(r.seed()).patience(r.patience())
                .optimizer(r.optimizer(), r.lr(), r.momentum(), r.weightDecay())
                .schedule(r.schedule(), r.stepSize(), r.gamma(), r.warmupEpochs())
                .loss(r.head().logSoftmax() ? new NLLLoss() : new CrossEntropyLoss(null, r.labelSmoothing()))
                .classWeights(r.classWeights()).monitor(r.monitor()).bfloat16(r.bfloat16()).recipe(r.toJson());
        return r.cacheViews() > 0 ? cacheViews(r.cacheViews()) : cacheFeatures(r.cacheFeatures());
    }

    /** Outputs for every sample of the batches, in eval mode. */
    public Predict.Predictions predict(Iterable<Batch> batches) { return Predict.run(model, batches); }
}
