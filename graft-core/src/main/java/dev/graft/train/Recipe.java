package dev.graft.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.graft.GraftException;
import dev.graft.data.SamplerKind;
import dev.graft.data.transforms.Augment;
import dev.graft.models.HeadSpec;
import dev.graft.models.Pretrained;
import dev.graft.models.Zoo;
import dev.graft.nn.Precision;
import dev.graft.train.loss.ClassWeights;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that defines a training run, as an immutable, typed and valid value: what data,
 * which model and weights, what is frozen, how it is optimised. Built with named setters
 * ({@code Recipe.builder(data, arch).lr(0.01).strategy(Strategy.HEAD).build()}, copies with
 * {@link #toBuilder}); an impossible value (epochs below 1, a negative or non-finite rate,
 * an unknown name, options that contradict each other) fails when the recipe is built, with
 * one sentence ({@link Invalid}), before any data is listed or any file is written. The
 * command line and a Java caller build it the same way; it is stored in {@code run.json} and
 * every checkpoint with lower-case names, so {@code --resume} continues with exactly the same
 * recipe. Defaults are the tutorial's (SGD lr 0.001 momentum 0.9, StepLR 7 / 0.1);
 * {@link AutoRecipe} chooses defaults from the data instead ({@code --recipe auto}).
 * {@code fullImageEval}: evaluate on the whole image resized to {@code imageSize} instead of
 * the preset's resize + centre crop (no crop margin; false in older run.json files).
 * {@code zeroHead}: a new classifier's last layer starts at zero instead of PyTorch's random
 * initialisation, so its first steps leave the pretrained features alone (BiT's rule; applied
 * by {@link TrainingRun} when the weights' head is replaced; false in older run.json files).
 */
public record Recipe(
        String data,
        String arch,
        String weights,
        Strategy strategy,
        String unfreezeFrom,
        BnPolicy bn,
        double backboneLrMult,
        int freezeEpochs,
        HeadSpec head,
        int epochs,
        int batchSize,
        int imageSize,
        Augment augment,
        OptimizerKind optimizer,
        double lr,
        double momentum,
        double weightDecay,
        ScheduleKind schedule,
        int stepSize,
        double gamma,
        int warmupEpochs,
        double labelSmoothing,
        int patience,
        long seed,
        int workers,
        double valSplit,
        int perClass,
        List<String> classes,
        boolean cacheFeatures,
        int cacheViews,
        Precision precision,
        ClassWeights classWeights,
        SamplerKind sampler,
        Monitor monitor,
        boolean fullImageEval,
        boolean zeroHead) {

    /** A recipe value that cannot be: its message is one sentence for the user (a usage error). */
    public static final class Invalid extends GraftException {
        public Invalid(String message) { super(message); }
    }

    /** The largest --image-size. */
    public static final int MAX_IMAGE_SIZE = dev.graft.data.transforms.Preset.MAX_SIZE;
    /** Below 16 px the networks' downsampling leaves nothing to classify; smaller images are upsampled. */
    public static final int MIN_IMAGE_SIZE = 16;

    /** What each choice is called in messages. */
    private static final Map<Class<?>, String> WHAT = Map.of(Strategy.class, "strategy", BnPolicy.class,
            "BatchNorm policy", Augment.class, "augmentation", OptimizerKind.class, "optimizer", ScheduleKind.class,
            "schedule", Precision.class, "precision", ClassWeights.class, "class weights", SamplerKind.class, "sampler",
            Monitor.class, "monitor");

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .registerTypeAdapterFactory(new LowerCaseEnums())
            .registerTypeAdapter(HeadSpec.class, new TypeAdapter<HeadSpec>() {
                @Override
                public void write(JsonWriter out, HeadSpec h) throws IOException { out.value(h == null ? null : h.toString()); }

                @Override
                public HeadSpec read(JsonReader in) throws IOException {
                    if (in.peek() == JsonToken.NULL) {
                        in.nextNull();
                        return null;
                    }
                    return head(in.nextString());
                }
            }).create();

    /** Validates every field; fills those older run.json files may lack (bn, precision, class weights, sampler, monitor). */
    public Recipe {
        bn = bn == null ? BnPolicy.AUTO : bn;
        precision = precision == null ? Precision.FP32 : precision;
        classWeights = classWeights == null ? ClassWeights.NONE : classWeights;
        sampler = sampler == null ? SamplerKind.SHUFFLE : sampler;
        monitor = monitor == null ? Monitor.VAL_ACC : monitor;
        classes = classes == null ? null : List.copyOf(classes);
        require(data != null && !data.isBlank(), "give the DATA to train on");
        require(arch != null && !arch.isBlank(), "give an architecture (--arch)");
        try {
            Zoo.get(arch);
        } catch (GraftException e) {
            throw new Invalid(e.getMessage());
        }
        require(strategy != null && head != null && augment != null && optimizer != null && schedule != null,
                "the recipe lacks a strategy, head, augmentation, optimizer or schedule");
        weights = strategy.weights(weights == null ? Pretrained.NO_WEIGHTS : weights);
        require(strategy != Strategy.PARTIAL || unfreezeFrom != null && !unfreezeFrom.isBlank(),
                "the partial strategy needs --unfreeze-from GROUP (e.g. layer4)");
        if (strategy == Strategy.PARTIAL) {
            try {
                Zoo.get(arch).group(unfreezeFrom); // an unknown group is a typo: said before any data is read
            } catch (GraftException e) {
                throw new Invalid(e.getMessage());
            }
        }
        require(epochs >= 1, "--epochs must be at least 1, not " + epochs);
        require(batchSize >= 1, "--batch-size must be at least 1, not " + batchSize);
        require(imageSize >= MIN_IMAGE_SIZE && imageSize <= MAX_IMAGE_SIZE,
                "--image-size must be between " + MIN_IMAGE_SIZE + " and " + MAX_IMAGE_SIZE + ", not " + imageSize);
        require((long) batchSize * 3 * imageSize * imageSize <= Integer.MAX_VALUE, "--batch-size " + batchSize
                + " at --image-size " + imageSize + " needs over 2^31 values per batch; use a smaller batch or size");
        require(Double.isFinite(lr) && lr > 0, "--lr must be a positive number, not " + lr);
        nonNegative("--momentum", momentum);
        nonNegative("--weight-decay", weightDecay);
        nonNegative("--backbone-lr-mult", backboneLrMult);
        require(Double.isFinite(gamma) && gamma > 0, "--gamma must be a positive number, not " + gamma);
        require(stepSize >= 1, "--step-size must be at least 1, not " + stepSize);
        require(freezeEpochs >= 0, "--freeze-epochs cannot be negative");
        require(warmupEpochs >= 0, "--warmup-epochs cannot be negative");
        require(schedule != ScheduleKind.COSINE || warmupEpochs < epochs,
                "--warmup-epochs (" + warmupEpochs + ") must be fewer than --epochs (" + epochs + ")");
        require(labelSmoothing >= 0 && labelSmoothing < 1, "--label-smoothing must be in [0, 1), not " + labelSmoothing);
        require(patience >= 0, "--patience cannot be negative");
        require(workers >= 0, "--workers cannot be negative");
        require(valSplit >= 0 && valSplit < 1, "--val-split must be in [0, 1), not " + valSplit);
        require(perClass >= 0, "--per-class cannot be negative");
        require(cacheViews >= 0, "--cache-views cannot be negative");
        require(sampler == SamplerKind.SHUFFLE || !cacheFeatures && cacheViews <= 0,
                "--sampler balanced draws new images every epoch, so it cannot be used with --cache-features or --cache-views");
        String learner = Learner.problem(strategy, freezeEpochs, cacheFeatures || cacheViews > 0,
                augment != Augment.NONE && cacheViews <= 0);
        if (learner != null) throw new Invalid(learner);
    }

    /** A builder for {@code arch} (null: resnet18) on {@code data}; fields left unset take the tutorial's defaults. */
    public static Builder builder(String data, String arch) { return new Builder().data(data).arch(arch); }

    /** The tutorial's recipe for {@code arch} on {@code data}. */
    public static Recipe defaults(String data, String arch) { return builder(data, arch).build(); }

    /** A builder holding every field of this recipe, to change some of them. */
    public Builder toBuilder() {
        return new Builder().data(data).arch(arch).weights(weights).strategy(strategy).unfreezeFrom(unfreezeFrom).bn(bn)
                .backboneLrMult(backboneLrMult).freezeEpochs(freezeEpochs).head(head).epochs(epochs).batchSize(batchSize)
                .imageSize(imageSize).augment(augment).optimizer(optimizer).lr(lr).momentum(momentum)
                .weightDecay(weightDecay).schedule(schedule).stepSize(stepSize).gamma(gamma).warmupEpochs(warmupEpochs)
                .labelSmoothing(labelSmoothing).patience(patience).seed(seed).workers(workers).valSplit(valSplit)
                .perClass(perClass).classes(classes).cacheFeatures(cacheFeatures).cacheViews(cacheViews)
                .precision(precision).classWeights(classWeights).sampler(sampler).monitor(monitor)
                .fullImageEval(fullImageEval).zeroHead(zeroHead);
    }

    /** True for mixed-precision bfloat16 training (see dev.graft.nn.Autocast). */
    public boolean bfloat16() { return precision == Precision.BF16; }

    public String toJson() { return GSON.toJson(this); }

    /** Reads a recipe written by {@link #toJson} (this version or an earlier one); one sentence when it cannot. */
    public static Recipe fromJson(String json) {
        JsonObject o;
        try {
            o = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new GraftException("the stored recipe is not a JSON object.", e);
        }
        for (java.lang.reflect.RecordComponent c : Recipe.class.getRecordComponents()) {
            JsonElement v = o.get(c.getName());
            if (v == null || v.isJsonNull()) continue;
            Class<?> t = c.getType();
            boolean number = v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber();
            boolean ok = t == int.class || t == long.class
                    ? number && v.getAsDouble() == Math.rint(v.getAsDouble()) && Math.abs(v.getAsDouble()) <= Integer.MAX_VALUE
                    : t == double.class ? number
                    : t == boolean.class ? v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean()
                    : t == List.class ? v.isJsonArray() && v.getAsJsonArray().asList().stream()
                            .allMatch(e -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())
                    : v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
            if (!ok) {
                String shown = v.toString().length() > 40 ? v.toString().substring(0, 37) + "..." : v.toString();
                throw new Invalid("the stored recipe's '" + c.getName() + "' must be "
                        + (t == int.class || t == long.class ? "a whole number" : t == double.class ? "a number"
                        : t == boolean.class ? "true or false" : t == List.class ? "a list of names" : "a name")
                        + ", not " + shown + ".");
            }
        }
        try {
            return GSON.fromJson(json, Recipe.class);
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof GraftException g) throw new Invalid("the stored recipe is not valid: " + g.getMessage());
            }
            throw new GraftException("the stored recipe is not readable: " + e.getMessage(), e);
        }
    }

    /** A choice by its lower-case name (any case), or one sentence listing the names. */
    public static <E extends Enum<E>> E parse(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(text.trim())) return e;
        List<String> names = names(type);
        throw new Invalid("unknown " + WHAT.getOrDefault(type, type.getSimpleName()) + " '" + text + "'; use "
                + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1) + ".");
    }

    /** The lower-case names of a choice, as the command line and run.json spell them. */
    public static <E extends Enum<E>> List<String> names(Class<E> type) {
        List<String> out = new ArrayList<>();
        for (E e : type.getEnumConstants()) out.add(e.name().toLowerCase(Locale.ROOT));
        return out;
    }

    /** A head by its text ({@code linear}, {@code mlp:500[:dropout=0.2][:logsoftmax]}), or one sentence. */
    public static HeadSpec head(String text) {
        try {
            return HeadSpec.parse(text);
        } catch (RuntimeException e) {
            throw new Invalid("--head must be 'linear' or like 'mlp:500,200[:dropout=0.2][:logsoftmax]', not '"
                    + text + "'.");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new Invalid(message.endsWith(".") ? message : message + ".");
    }

    private static void nonNegative(String option, double v) {
        require(Double.isFinite(v) && v >= 0, option + " must be a number of at least 0, not " + v);
    }

    /** Choices are written as lower-case names and read in any case. */
    private static final class LowerCaseEnums implements TypeAdapterFactory {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> token) {
            Class<? super T> raw = token.getRawType();
            if (!raw.isEnum()) return null;
            Class<? extends Enum> type = (Class<? extends Enum>) raw;
            return new TypeAdapter<T>() {
                @Override
                public void write(JsonWriter out, T value) throws IOException {
                    out.value(value == null ? null : ((Enum<?>) value).name().toLowerCase(Locale.ROOT));
                }

                @Override
                public T read(JsonReader in) throws IOException {
                    if (in.peek() == JsonToken.NULL) {
                        in.nextNull();
                        return null;
                    }
                    return (T) parse(type, in.nextString());
                }
            };
        }
    }

    /**
     * Named setters for a {@link Recipe}. A field left unset (null) takes its value from the
     * base recipe given to {@link #build(Recipe)} (the tutorial's defaults for {@link #build()}),
     * so a recipe chosen for the data can fill in only what the user did not say. Without a
     * strategy, weights {@code none} imply {@code scratch} ({@link Strategy#implied}).
     */
    public static final class Builder {
        private String data, arch, weights, unfreezeFrom;
        private Strategy strategy;
        private BnPolicy bn;
        private Double backboneLrMult, lr, momentum, weightDecay, gamma, labelSmoothing, valSplit;
        private Integer freezeEpochs, epochs, batchSize, imageSize, stepSize, warmupEpochs, patience, workers, perClass,
                cacheViews;
        private HeadSpec head;
        private Augment augment;
        private OptimizerKind optimizer;
        private ScheduleKind schedule;
        private Long seed;
        private List<String> classes;
        private Boolean cacheFeatures;
        private Precision precision;
        private ClassWeights classWeights;
        private SamplerKind sampler;
        private Monitor monitor;
        private Boolean fullImageEval, zeroHead;

        public Builder data(String v) { data = v; return this; }
        public Builder arch(String v) { arch = v; return this; }
        /** none, imagenet, a weights tag, a weights file or a run directory. */
        public Builder weights(String v) { weights = v; return this; }
        public Builder strategy(Strategy v) { strategy = v; return this; }
        /** With {@code PARTIAL}: the first trainable layer group. */
        public Builder unfreezeFrom(String v) { unfreezeFrom = v; return this; }
        public Builder bn(BnPolicy v) { bn = v; return this; }
        public Builder backboneLrMult(Double v) { backboneLrMult = v; return this; }
        public Builder freezeEpochs(Integer v) { freezeEpochs = v; return this; }
        public Builder head(HeadSpec v) { head = v; return this; }
        public Builder epochs(Integer v) { epochs = v; return this; }
        public Builder batchSize(Integer v) { batchSize = v; return this; }
        public Builder imageSize(Integer v) { imageSize = v; return this; }
        public Builder augment(Augment v) { augment = v; return this; }
        public Builder optimizer(OptimizerKind v) { optimizer = v; return this; }
        public Builder lr(Double v) { lr = v; return this; }
        public Builder momentum(Double v) { momentum = v; return this; }
        public Builder weightDecay(Double v) { weightDecay = v; return this; }
        public Builder schedule(ScheduleKind v) { schedule = v; return this; }
        public Builder stepSize(Integer v) { stepSize = v; return this; }
        public Builder gamma(Double v) { gamma = v; return this; }
        public Builder warmupEpochs(Integer v) { warmupEpochs = v; return this; }
        public Builder labelSmoothing(Double v) { labelSmoothing = v; return this; }
        public Builder patience(Integer v) { patience = v; return this; }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder workers(Integer v) { workers = v; return this; }
        public Builder valSplit(Double v) { valSplit = v; return this; }
        public Builder perClass(Integer v) { perClass = v; return this; }
        public Builder classes(List<String> v) { classes = v; return this; }
        public Builder cacheFeatures(Boolean v) { cacheFeatures = v; return this; }
        public Builder cacheViews(Integer v) { cacheViews = v; return this; }
        public Builder precision(Precision v) { precision = v; return this; }
        /** Loss weights per class: none, or balanced ({@link ClassWeights}). */
        public Builder classWeights(ClassWeights v) { classWeights = v; return this; }
        /** How the training loader draws images: shuffle, or balanced ({@link dev.graft.data.BalancedSampler}). */
        public Builder sampler(SamplerKind v) { sampler = v; return this; }
        /** What picks the best epoch and stops early: val_acc, val_loss or macro_f1. */
        public Builder monitor(Monitor v) { monitor = v; return this; }
        public Builder fullImageEval(Boolean v) { fullImageEval = v; return this; }
        public Builder zeroHead(Boolean v) { zeroHead = v; return this; }

        /** The learning rate given to this builder, null when unset (the automatic recipe then finds one). */
        public Double givenLr() { return lr; }

        /** The recipe, unset fields at the tutorial's defaults. */
        public Recipe build() {
            return build(new Recipe(data, arch != null ? arch : "resnet18", "imagenet", Strategy.FINETUNE, null, BnPolicy.AUTO,
                    Strategy.DEFAULT_BACKBONE_LR_MULT, 0, HeadSpec.LINEAR, 10, 16, 224, Augment.STANDARD, OptimizerKind.SGD,
                    0.001, 0.9, 0, ScheduleKind.STEP, 7, 0.1, 0, 0, 0, 0, Runtime.getRuntime().availableProcessors(), 0.2,
                    0, null, false, 0, Precision.FP32, ClassWeights.NONE, SamplerKind.SHUFFLE, Monitor.VAL_ACC, false, false));
        }

        /** The recipe, unset fields from {@code base}. */
        public Recipe build(Recipe b) {
            String w = or(weights, b.weights());
            return new Recipe(or(data, b.data()), or(arch, b.arch()), w,
                    strategy != null ? strategy : Strategy.implied(w, b.strategy()), or(unfreezeFrom, b.unfreezeFrom()),
                    or(bn, b.bn()), or(backboneLrMult, b.backboneLrMult()), or(freezeEpochs, b.freezeEpochs()),
                    or(head, b.head()), or(epochs, b.epochs()), or(batchSize, b.batchSize()), or(imageSize, b.imageSize()),
                    or(augment, b.augment()), or(optimizer, b.optimizer()), or(lr, b.lr()), or(momentum, b.momentum()),
                    or(weightDecay, b.weightDecay()), or(schedule, b.schedule()), or(stepSize, b.stepSize()),
                    or(gamma, b.gamma()), or(warmupEpochs, b.warmupEpochs()), or(labelSmoothing, b.labelSmoothing()),
                    or(patience, b.patience()), or(seed, b.seed()), or(workers, b.workers()), or(valSplit, b.valSplit()),
                    or(perClass, b.perClass()), or(classes, b.classes()), or(cacheFeatures, b.cacheFeatures()),
                    or(cacheViews, b.cacheViews()), or(precision, b.precision()), or(classWeights, b.classWeights()),
                    or(sampler, b.sampler()), or(monitor, b.monitor()), or(fullImageEval, b.fullImageEval()),
                    or(zeroHead, b.zeroHead()));
        }

        private static <T> T or(T given, T base) { return given != null ? given : base; }
    }
}
