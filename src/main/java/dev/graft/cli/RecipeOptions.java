package dev.graft.cli;

import dev.graft.train.Recipe;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that make a {@link Recipe}, shared by {@code train} and {@code compare}. */
final class RecipeOptions {
    @Option(names = "--arch", description = "Architecture (default: resnet18; see graft models).")
    String arch;

    @Option(names = "--weights", description = "none, imagenet (default), a weights tag, a .pth/.safetensors file or a run directory.")
    String weights;

    @Option(names = "--strategy", description = "head, finetune (default), partial or scratch.")
    String strategy;

    @Option(names = "--unfreeze-from", paramLabel = "GROUP", description = "With --strategy partial: first trainable layer group, e.g. layer4.")
    String unfreezeFrom;

    @Option(names = "--bn", description = "BatchNorm: auto (default: train for scratch, frozen for head/partial, eval for finetune),"
            + " frozen (frozen layers keep their statistics), train (batch statistics) or eval (running statistics).")
    String bn;

    @Option(names = "--backbone-lr-mult", description = "Backbone learning rate as a fraction of --lr for finetune/partial (default: 0.1).")
    Double backboneLrMult;

    @Option(names = "--freeze-epochs", description = "Train only the head for N epochs first, then the strategy (default: 0).")
    Integer freezeEpochs;

    @Option(names = "--head", description = "linear (default) or mlp:500[,200][:dropout=0.2][:logsoftmax].")
    String head;

    @Option(names = "--epochs", description = "Epochs (default: 10).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Batch size (default: 16).")
    Integer batchSize;

    @Option(names = "--image-size", description = "Input size in pixels (default: 224).")
    Integer imageSize;

    @Option(names = "--augment", description = "standard (RandomResizedCrop + flip, default), light (pad-crop + flip) or none.")
    String augment;

    @Option(names = "--optimizer", description = "sgd (default), adam or adamw.")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate of the head (default: 0.001).")
    Double lr;

    @Option(names = "--momentum", description = "SGD momentum (default: 0.9).")
    Double momentum;

    @Option(names = "--weight-decay", description = "Weight decay (default: 0; adamw: 0.01).")
    Double weightDecay;

    @Option(names = "--schedule", description = "step (default), multistep, cosine, onecycle, plateau or none.")
    String schedule;

    @Option(names = "--step-size", description = "StepLR period in epochs (default: 7).")
    Integer stepSize;

    @Option(names = "--gamma", description = "StepLR factor (default: 0.1).")
    Double gamma;

    @Option(names = "--warmup-epochs", description = "Linear warmup for --schedule cosine (default: 0).")
    Integer warmupEpochs;

    @Option(names = "--label-smoothing", description = "Cross-entropy label smoothing (default: 0).")
    Double labelSmoothing;

    @Option(names = "--patience", description = "Stop after N epochs without a better val accuracy (default: off).")
    Integer patience;

    @Option(names = "--seed", description = "Seed of initialisation, shuffling and augmentation (default: 0).")
    Long seed;

    @Option(names = "--workers", description = "Image decoding threads (default: the cores).")
    Integer workers;

    @Option(names = "--val-split", description = "Validation fraction when DATA has no val/ (default: 0.2).")
    Double valSplit;

    @Option(names = "--per-class", description = "Use N training images per class (few-shot), seeded.")
    Integer perClass;

    @Option(names = "--classes", split = ",", description = "Only these classes, in this order.")
    List<String> classes;

    @Option(names = "--cache-features", description = "With --strategy head: run the frozen backbone once per image.")
    Boolean cacheFeatures;

    @Option(names = "--cache-views", description = "With --strategy head and augmentation: cache K augmented views.")
    Integer cacheViews;

    @Option(names = "--precision", description = "fp32, or bf16: mixed-precision training (convolutions and linear"
            + " layers in bfloat16, float32 weights): ResNet-18 1.8x faster on CPUs with AVX-512 BF16, MobileNet/EfficientNet"
            + " about even (default: fp32).")
    String precision;

    /** The defaults for DATA with every given option applied. */
    Recipe recipe(String data) {
        String a = arch != null ? arch : "resnet18";
        Recipe r = Recipe.defaults(data, a);
        boolean scratch = "scratch".equalsIgnoreCase(strategy) || "none".equalsIgnoreCase(weights);
        if (scratch && strategy == null) r = r.with("strategy", "scratch");
        if (scratch) r = r.with("weights", "none");
        Object[][] given = {
            {"weights", weights}, {"strategy", strategy}, {"unfreezeFrom", unfreezeFrom}, {"bn", bn},
            {"backboneLrMult", backboneLrMult}, {"freezeEpochs", freezeEpochs}, {"head", head}, {"epochs", epochs},
            {"batchSize", batchSize}, {"imageSize", imageSize}, {"augment", augment}, {"optimizer", optimizer},
            {"lr", lr}, {"momentum", momentum}, {"weightDecay", weightDecay}, {"schedule", schedule},
            {"stepSize", stepSize}, {"gamma", gamma}, {"warmupEpochs", warmupEpochs}, {"labelSmoothing", labelSmoothing},
            {"patience", patience}, {"seed", seed}, {"workers", workers}, {"valSplit", valSplit}, {"perClass", perClass},
            {"classes", classes}, {"cacheFeatures", cacheFeatures}, {"cacheViews", cacheViews},
            {"precision", precision}};
        for (Object[] g : given) if (g[1] != null) r = r.with((String) g[0], g[1]);
        return r;
    }

}
