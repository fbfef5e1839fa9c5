package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.data.SamplerKind;
import dev.graft.data.transforms.Augment;
import dev.graft.models.HeadSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.Precision;
import dev.graft.train.AutoRecipe;
import dev.graft.train.BnPolicy;
import dev.graft.train.Monitor;
import dev.graft.train.Recipe;
import dev.graft.train.Strategy;
import dev.graft.train.loss.ClassWeights;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that make a {@link Recipe}, shared by {@code train} and {@code compare}: picocli
 * converts each straight to the recipe's type, and the recipe validates itself when built, so
 * a bad value is a usage error (exit 2) before any data is read. Options not given stay unset
 * and are chosen from the data ({@code --recipe auto}, the default) or take the tutorial's
 * defaults ({@code --recipe tutorial}).
 */
final class RecipeOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--recipe", paramLabel = "auto|tutorial", converter = Modes.class,
            description = "auto (default): what is not given is chosen from the data (image size, batch, epochs, warmup +"
                    + " cosine, learning rate by an LR finder, BatchNorm, augmentation; with weights label smoothing"
                    + " and a zero-initialised new head) and printed; tutorial: the PyTorch"
                    + " tutorial's defaults (each option's 'tutorial:' value).")
    String mode;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Architecture (default: resnet18; see graft models).")
    String arch;

    @Option(names = "--weights", paramLabel = "WEIGHTS", description = "none, imagenet (default), a weights tag, a .pth/.safetensors file or a run directory; the weights' classifier is replaced by a new one unless it was trained for the same classes (in any order).")
    String weights;

    /**
     * The --strategy given (null: unset): one value for train and lr-find, a comma list for
     * compare, which says so, as for its --arch and --weights; so --help shows one value.
     */
    @Option(names = "--strategy", paramLabel = "STRATEGY", converter = StrategyLists.class, completionCandidates = Strategies.class,
            description = "${COMPLETION-CANDIDATES} (default: finetune; scratch with --weights none).")
    StrategyList strategy;

    @Option(names = "--unfreeze-from", paramLabel = "GROUP", description = "With --strategy partial: the first layer group to train, e.g. layer3 (default: the last group,"
                    + " layer4 for ResNets).")
    String unfreezeFrom;

    @Option(names = "--bn", paramLabel = "BN", converter = BnPolicies.class, completionCandidates = BnPolicies.class,
            description = "BatchNorm: ${COMPLETION-CANDIDATES}. train: batch statistics; eval: running statistics;"
                    + " frozen: frozen layers keep their statistics; auto: train for scratch, frozen for head/partial, eval"
                    + " for finetune (recipe auto: the same, but finetune from " + AutoRecipe.WHOLE_MODEL_IMAGES
                    + " training images on train; tutorial: auto).")
    BnPolicy bn;

    @Option(names = "--backbone-lr-mult", paramLabel = "X", description = "Backbone learning rate as a fraction of --lr for finetune/partial (recipe auto: for finetune 0.1 below "
            + AutoRecipe.WHOLE_MODEL_IMAGES + " training images, 1 from there, partial 0.1; tutorial: 0.1).")
    Double backboneLrMult;

    @Option(names = "--freeze-epochs", paramLabel = "N", description = "Train only the head for N epochs first, then the strategy (default: 0).")
    Integer freezeEpochs;

    @Option(names = "--head", paramLabel = "HEAD", converter = Heads.class, description = "linear (default) or mlp:500[,200][:dropout=0.2][:logsoftmax].")
    HeadSpec head;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (auto: 30 up to 1000 images, fewer above; tutorial: 10).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (auto: images/5 within 8..16 below 1000 images, else 32; tutorial: 16).")
    Integer batchSize;

    @Option(names = "--image-size", paramLabel = "N",
            description = "Input size in pixels (auto: the weights' own, or the images' size without weights; tutorial: 224).")
    Integer imageSize;

    @Option(names = "--augment", paramLabel = "AUGMENT", converter = Augments.class, completionCandidates = Augments.class,
            description = "standard (RandomResizedCrop + flip), light (pad-crop + flip) or none (auto: light up to 64 px, else standard;"
                    + " tutorial: standard).")
    Augment augment;

    @Option(names = "--optimizer", paramLabel = "OPTIMIZER", converter = Optimizers.class, completionCandidates = Optimizers.class,
            description = "${COMPLETION-CANDIDATES} (default: sgd).")
    OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate of the head (auto: from an LR finder, see graft lr-find; tutorial: 0.001).")
    Double lr;

    @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum (default: 0.9).")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "X", description = "Weight decay (auto: 5e-4; tutorial: 0; adamw: 0.01).")
    Double weightDecay;

    @Option(names = "--schedule", paramLabel = "SCHEDULE", converter = Schedules.class, completionCandidates = Schedules.class,
            description = "${COMPLETION-CANDIDATES} (auto: cosine with warmup; tutorial: step).")
    ScheduleKind schedule;

    @Option(names = "--step-size", paramLabel = "N", description = "StepLR period in epochs (default: 7).")
    Integer stepSize;

    @Option(names = "--gamma", paramLabel = "X", description = "StepLR factor (default: 0.1).")
    Double gamma;

    @Option(names = "--warmup-epochs", paramLabel = "N", description = "Linear warmup for --schedule cosine (auto: about 5%% of the epochs; tutorial: 0).")
    Integer warmupEpochs;

    @Option(names = "--label-smoothing", paramLabel = "X", description = "Cross-entropy label smoothing, from 0 up to (not including) 1 (default: 0; 0.1 with weights and --recipe auto).")
    Double labelSmoothing;

    @Option(names = "--class-weights", paramLabel = "KIND", converter = ClassWeightChoices.class, completionCandidates = ClassWeightChoices.class,
            description = "none (default) or balanced: weight the loss of class c by images / (classes * images of c).")
    ClassWeights classWeights;

    @Option(names = "--sampler", paramLabel = "KIND", converter = Samplers.class, completionCandidates = Samplers.class,
            description = "shuffle (default) or balanced: draw every class equally often, with replacement.")
    SamplerKind sampler;

    @Option(names = "--monitor", paramLabel = "METRIC", converter = Monitors.class, completionCandidates = Monitors.class,
            description = "What picks the best epoch and stops early: val_acc (default), val_loss or macro_f1.")
    Monitor monitor;

    @Option(names = "--patience", paramLabel = "N", description = "Stop after N epochs without a better monitored value (default: off).")
    Integer patience;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation, shuffling and augmentation (default: 0).")
    Long seed;

    @Option(names = "--workers", paramLabel = "N", description = "Image decoding threads (default: the cores).")
    Integer workers;

    @Option(names = "--val-split", paramLabel = "X", description = "Validation fraction when DATA has no val/ (default: 0.2).")
    Double valSplit;

    @Option(names = "--per-class", paramLabel = "N", description = "Use N training images per class (few-shot), seeded.")
    Integer perClass;

    @Option(names = "--classes", paramLabel = "NAMES", split = ",", description = "Only these classes, in this order.")
    List<String> classes;

    @Option(names = "--cache-features", description = "With --strategy head: run the frozen backbone once per image.")
    Boolean cacheFeatures;

    @Option(names = "--cache-views", paramLabel = "K", description = "With --strategy head and augmentation: cache K augmented views.")
    Integer cacheViews;

    @Option(names = "--precision", paramLabel = "P", converter = Precisions.class, completionCandidates = Precisions.class,
            description = "fp32, or bf16: mixed-precision training (convolutions and linear"
            + " layers in bfloat16, float32 weights): ResNet-18 1.8x faster on CPUs with AVX-512 BF16, MobileNet/EfficientNet"
            + " about even (default: fp32).")
    Precision precision;

    @Option(names = "--eval-full-image", arity = "0..1", paramLabel = "true|false",
            description = "Evaluate on the whole image resized to --image-size, without the centre-crop margin"
                    + " (default: off; on for small images with --recipe auto).")
    Boolean fullImageEval;

    @Option(names = "--zero-head", arity = "0..1", paramLabel = "true|false",
            description = "Start the new classifier's last layer at zero instead of at random, so the first steps"
                    + " train the head and leave the pretrained features alone (default: off; on with weights and"
                    + " --recipe auto).")
    Boolean zeroHead;

    /** Whether unset options are chosen from the data ({@code --recipe auto}, the default). */
    boolean auto() { return !"tutorial".equals(mode); }

    /** The strategies given (null: none), in the order given. */
    List<Strategy> strategies() { return strategy == null ? null : strategy.values(); }

    /** The recipe for DATA with every given option; a bad value or combination is a usage error. */
    Recipe recipe(String data) {
        if (strategy != null && strategy.values().size() > 1) {
            throw usage(command.name() + " takes one --strategy; graft compare takes several.");
        }
        return recipe(data, arch, weights, strategy == null ? null : strategy.values().get(0));
    }

    /** As {@link #recipe(String)} with this architecture, weights and strategy (null: unset). */
    Recipe recipe(String data, String arch, String weights, Strategy strategy) {
        return build(builder(data, arch, weights, strategy));
    }

    /** The recipe of {@code given}, unset fields at the tutorial's defaults; a bad value is a usage error. */
    Recipe build(Recipe.Builder given) {
        try {
            return given.build();
        } catch (Recipe.Invalid e) {
            throw usage(e.getMessage());
        }
    }

    /** The given options as a builder (unset ones stay unset, for {@link dev.graft.train.AutoRecipe}). */
    Recipe.Builder builder(String data) {
        return builder(data, arch, weights, strategy == null ? null : strategy.values().get(0));
    }

    Recipe.Builder builder(String data, String arch, String weights, Strategy strategy) {
        if (perClass != null && perClass < 1) {
            throw usage("--per-class must be at least 1, not " + perClass + " (leave it out to use every image).");
        }
        String unfreezeFrom = this.unfreezeFrom;
        if (strategy == Strategy.PARTIAL && unfreezeFrom == null) {
            unfreezeFrom = lastGroup(arch == null ? "resnet18" : arch);
            if (unfreezeFrom != null) Console.info("partial: training from " + unfreezeFrom + " on (the last layer group; --unfreeze-from to change)");
        }
        return Recipe.builder(data, arch).weights(weights).strategy(strategy)
                    .unfreezeFrom(unfreezeFrom).bn(bn).backboneLrMult(backboneLrMult).freezeEpochs(freezeEpochs)
                    .head(head).epochs(epochs).batchSize(batchSize).imageSize(imageSize).augment(augment)
                    .optimizer(optimizer).lr(lr).momentum(momentum).weightDecay(weightDecay).schedule(schedule)
                    .stepSize(stepSize).gamma(gamma).warmupEpochs(warmupEpochs).labelSmoothing(labelSmoothing)
                    .patience(patience).seed(seed).workers(workers).valSplit(valSplit).perClass(perClass)
                    .classes(classes).cacheFeatures(cacheFeatures).cacheViews(cacheViews).precision(precision)
                    .classWeights(classWeights).sampler(sampler).monitor(monitor).fullImageEval(fullImageEval).zeroHead(zeroHead);
    }

    /** The last layer group before the head (resnet18: layer4), or null for an unknown architecture. */
    static String lastGroup(String arch) {
        try {
            List<String> groups = List.copyOf(Zoo.get(arch).groups().keySet());
            return groups.size() >= 2 ? groups.get(groups.size() - 2) : null;
        } catch (GraftException e) {
            return null;
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(command.commandLine(), message);
    }

    /** Converts a name to a recipe choice (any case) and lists the names for --help and completion. */
    abstract static class Choice<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {
        private final Class<E> type;

        Choice(Class<E> type) { this.type = type; }

        @Override
        public E convert(String value) {
            try {
                return Recipe.parse(type, value);
            } catch (Recipe.Invalid e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }

        @Override
        public Iterator<String> iterator() { return Recipe.names(type).iterator(); }
    }

    static final class Strategies extends Choice<Strategy> { Strategies() { super(Strategy.class); } }

    /** One strategy, or a comma list of them (for compare). */
    record StrategyList(List<Strategy> values) {}

    static final class StrategyLists implements ITypeConverter<StrategyList> {
        @Override
        public StrategyList convert(String value) {
            List<Strategy> list = new ArrayList<>();
            for (String name : value.split(",")) list.add(new Strategies().convert(name));
            return new StrategyList(List.copyOf(list));
        }
    }

    static final class BnPolicies extends Choice<BnPolicy> { BnPolicies() { super(BnPolicy.class); } }

    static final class Augments extends Choice<Augment> { Augments() { super(Augment.class); } }

    static final class Optimizers extends Choice<OptimizerKind> { Optimizers() { super(OptimizerKind.class); } }

    static final class Schedules extends Choice<ScheduleKind> { Schedules() { super(ScheduleKind.class); } }

    static final class Precisions extends Choice<Precision> { Precisions() { super(Precision.class); } }

    static final class ClassWeightChoices extends Choice<ClassWeights> { ClassWeightChoices() { super(ClassWeights.class); } }

    static final class Samplers extends Choice<SamplerKind> { Samplers() { super(SamplerKind.class); } }

    static final class Monitors extends Choice<Monitor> { Monitors() { super(Monitor.class); } }

    /** {@code auto} or {@code tutorial}, in any case. */
    static final class Modes implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> "auto";
                case "tutorial" -> "tutorial";
                default -> throw new CommandLine.TypeConversionException("unknown recipe '" + value + "'; use auto or tutorial.");
            };
        }
    }

    static final class Heads implements ITypeConverter<HeadSpec> {
        @Override
        public HeadSpec convert(String value) {
            try {
                return Recipe.head(value);
            } catch (Recipe.Invalid e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
