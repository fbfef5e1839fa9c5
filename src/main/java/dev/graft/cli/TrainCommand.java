package dev.graft.cli;

import com.google.gson.GsonBuilder;
import dev.graft.GraftException;
import dev.graft.train.Fit;
import dev.graft.train.Recipe;
import dev.graft.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft train}: fine-tune a model on a folder of images and write a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a classifier on DATA and write a run directory (model, metrics, checkpoints, report).",
                "DATA: a folder of class folders (DATA/cat/*.jpg ...), a folder with train/ and val/ (and test/),",
                "or stl10:DIR, fashion-mnist:DIR, mnist:DIR, cifar10:DIR."},
        footer = {"", "Examples:", "  graft train data/dogs_vs_cats --arch resnet18 --epochs 25",
                "  graft train photos/ --arch efficientnet_b0 --strategy head --augment none --cache-features",
                "  graft train fashion-mnist:/usr/share/datasets/fashion-mnist --weights none --image-size 32",
                "  graft train --resume runs/resnet18-2026-11-23-1015"})
final class TrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DATA", arity = "0..1", description = "The images (see above).")
    String data;

    @Option(names = "--resume", paramLabel = "RUN", description = "Continue a run from its last checkpoint, with its recipe.")
    Path resume;

    @Option(names = "--arch", description = "Architecture (default: resnet18; see graft models).")
    String arch;

    @Option(names = "--weights", description = "none, imagenet (default), a weights tag, a .pth/.safetensors file or a run directory.")
    String weights;

    @Option(names = "--strategy", description = "head, finetune (default), partial or scratch.")
    String strategy;

    @Option(names = "--unfreeze-from", paramLabel = "GROUP", description = "With --strategy partial: first trainable layer group, e.g. layer4.")
    String unfreezeFrom;

    @Option(names = "--bn", description = "BatchNorm of frozen layers: frozen (default, keep ImageNet statistics) or train.")
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

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<arch>-<date>-<time>).")
    Path out;

    @Option(names = "--json", description = "Print the final metrics as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        TrainingRun run;
        if (resume != null) {
            if (data != null) throw new GraftException("--resume takes the data from the run's recipe; do not give DATA too.");
            run = new TrainingRun(TrainingRun.storedRecipe(resume), resume, Console::info);
        } else {
            if (data == null) throw new GraftException("give the DATA to train on, or --resume RUN (see graft train --help).");
            Recipe r = recipe();
            run = new TrainingRun(r, out != null ? out : defaultDir(r.arch()), Console::info);
        }
        Console.info("run directory: " + run.dir());
        run.listener(new Progress(run.recipe().epochs()));
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            Console.info("\ninterrupted: stopping after this step; the last checkpoint is kept.");
            run.interrupt();
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingRun.Outcome outcome;
        try {
            outcome = resume != null ? run.resume() : run.run();
        } finally {
            done.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting after Ctrl-C; the hook is already running
        }
        Fit.Result fit = outcome.fit();
        Console.info(fit.message());
        if (fit.status() == Fit.Status.INTERRUPTED) {
            Console.info("resume with: graft train --resume " + run.dir());
        } else {
            Console.info(String.format(Locale.ROOT, "best val Acc: %.4f (epoch %d); report: %s", outcome.valAccuracy(),
                    outcome.bestEpoch() + 1, run.dir().resolve(TrainingRun.REPORT)));
        }
        if (json) System.out.println(new GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(outcome.toJson()));
        return fit.status() == Fit.Status.DIVERGED || fit.status() == Fit.Status.INTERRUPTED ? 1 : 0;
    }

    Recipe recipe() {
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
            {"classes", classes}, {"cacheFeatures", cacheFeatures}, {"cacheViews", cacheViews}};
        for (Object[] g : given) if (g[1] != null) r = r.with((String) g[0], g[1]);
        return r;
    }

    static Path defaultDir(String arch) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"));
        Path dir = Path.of("runs", arch + "-" + stamp);
        for (int i = 2; Files.exists(dir); i++) dir = Path.of("runs", arch + "-" + stamp + "-" + i);
        return dir;
    }
}
