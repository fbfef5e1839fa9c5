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

    @picocli.CommandLine.Mixin
    RecipeOptions options;

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
            Recipe r = options.recipe(data);
            run = new TrainingRun(r, out != null ? out : defaultDir(r.arch()), Console::info);
        }
        Console.info(Main.Global.describe());
        run.listener(new Progress(run.recipe().epochs()));
        TrainingRun.Outcome outcome = Interrupts.run(run::interrupt, resume != null ? run::resume : run::run);
        Fit.Result fit = outcome.fit();
        Console.info(fit.message());
        if (fit.status() == Fit.Status.INTERRUPTED) {
            Console.info("resume with: graft train --resume " + run.dir());
        } else {
            // the result: on stdout, even with --quiet (stderr when stdout carries --json)
            String result = String.format(Locale.ROOT, "best val Acc: %.4f (epoch %d); report: %s", outcome.valAccuracy(),
                    outcome.bestEpoch() + 1, run.dir().resolve(TrainingRun.REPORT));
            if (json) Console.info(result);
            else System.out.println(result);
        }
        if (json) System.out.println(new GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(outcome.toJson()));
        return fit.status() == Fit.Status.DIVERGED || fit.status() == Fit.Status.INTERRUPTED ? 1 : 0;
    }

    static Path defaultDir(String arch) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"));
        Path dir = Path.of("runs", arch + "-" + stamp);
        for (int i = 2; Files.exists(dir); i++) dir = Path.of("runs", arch + "-" + stamp + "-" + i);
        return dir;
    }
}
