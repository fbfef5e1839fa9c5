package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.models.SavedModel;
import dev.graft.report.JsonOutput;
import dev.graft.train.FeatureRun;
import dev.graft.train.FeatureSet;
import dev.graft.train.Fit;
import dev.graft.train.Recipe;
import dev.graft.train.Strategy;
import dev.graft.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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
                "  graft train --resume runs/resnet18-2026-11-23-1015",
                "  graft train --features feats/ --epochs 10     (a head on what graft spark features wrote)",
                "  graft train --resume runs/resnet18-2026-11-23-1015 --epochs 20",
                "",
                "--recipe auto (the default) chooses what is not given from the data: image size, batch, epochs,",
                "warmup + cosine, the learning rate (an LR finder, plot in the run's report), BatchNorm,",
                "augmentation, and with pretrained weights label smoothing 0.1 and a new head that starts at zero;",
                "it prints its choices and the same as explicit options, and stores them in run.json.",
                "--recipe tutorial: SGD lr 0.001 momentum 0.9, StepLR 7 / 0.1, RandomResizedCrop + flip, 224 px.",
                "",
                "A run directory belongs to one run: --out on an existing run is refused unless --overwrite is given,",
                "and a directory in use by another graft process is refused (its .lock names the process).",
                "Ctrl-C, --patience and the end all leave a usable run: the best model so far (model.safetensors,",
                "model.json), report.html and checkpoints/last.safetensors; the resume command is printed.",
                "Extending with --resume RUN --epochs N: step and multistep schedules (and plateau) simply continue;",
                "cosine and onecycle are defined over the total number of epochs, so they are recomputed over the",
                "new total: the learning rate goes back up to where the longer curve is at that epoch and then",
                "decays to its end over the extra epochs."})
final class TrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DATA", arity = "0..1", description = "The images (see above).")
    String data;

    @Option(names = "--resume", paramLabel = "RUN", description = "Continue a run from its last checkpoint, with its"
            + " recipe; with --epochs N, extend a finished or stopped run to N epochs in all.")
    Path resume;

    @picocli.CommandLine.Mixin
    RecipeOptions options;

    @Option(names = "--features", paramLabel = "DIR", description = "Train only the head on features that graft spark"
            + " features wrote (its --out folder), without the images; the run is the source model with the new head.")
    Path features;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<arch>-<date>-<time>).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the run already in --out (its model, checkpoints,"
            + " report and evaluation), once the new data, weights and options are checked.")
    boolean overwrite;

    @Option(names = "--keep-checkpoints", description = "Keep the best epoch's checkpoint as well as the last one"
            + " (default: a stopped run keeps its model and the last checkpoint, enough to resume or extend it;"
            + " graft clean removes even that).")
    boolean keepCheckpoints;

    @Option(names = "--json", description = "Print the final metrics as one JSON object on stdout.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) throw usage("--out " + out + " is a file, not a folder.");
        if (features != null) return onFeatures();
        TrainingRun run = resume != null ? resumed() : fresh();
        run.keepCheckpoints(keepCheckpoints || resume != null && TrainingRun.storedKeepCheckpoints(resume))
                .overwrite(overwrite).command(commandLine()).listener(new Progress(() -> run.recipe().epochs()));
        // everything, the closing lines included, runs before a Ctrl-C lets the JVM exit
        return Interrupts.run(run::interrupt, run::leftToResume, () -> train(run));
    }

    /** graft train --features DIR: the head on features computed elsewhere, the model from their manifest. */
    private int onFeatures() {
        if (data != null || resume != null) throw usage("--features is the training data; do not give DATA or --resume too.");
        if (options.strategies() != null && !options.strategies().equals(List.of(Strategy.HEAD))) {
            throw usage(FeatureRun.HEAD_ONLY);
        }
        FeatureSet set = FeatureSet.read(features);
        if (options.arch != null && !options.arch.equals(set.arch())) {
            throw usage("the features were computed by " + set.arch() + ", so the head is trained for it, not --arch " + options.arch + ".");
        }
        String weights = options.weights != null ? options.weights : set.weights();
        if (weights == null) throw usage(features + " does not say which weights computed it; give them with --weights.");
        Recipe r = options.recipe(features.toString(), set.arch(), weights, Strategy.HEAD);
        String problem = FeatureRun.problem(r, set);
        if (problem != null) throw usage(problem);
        TrainingRun run = new TrainingRun(r, out != null ? out : defaultDir(Path.of("runs"), r.arch()), Console::info)
                .createdHere(out == null).keepCheckpoints(keepCheckpoints).overwrite(overwrite).command(commandLine());
        FeatureRun featureRun = new FeatureRun(set, run, Console::info).listener(new Progress(r.epochs()));
        return Interrupts.run(featureRun::interrupt, () -> "a run on features is trained again, not resumed",
                () -> report(run, featureRun::run));
    }

    private TrainingRun fresh() {
        if (data == null) throw usage("give the DATA to train on, or --resume RUN (see graft train --help).");
        Recipe r = options.recipe(data);
        TrainingRun run = new TrainingRun(r, out != null ? out : defaultDir(Path.of("runs"), r.arch()), Console::info)
                .createdHere(out == null);
        return options.auto() ? run.auto(options.builder(data)) : run;
    }

    /** The stored recipe, with more epochs when --epochs is given; any other recipe option is a mistake. */
    private TrainingRun resumed() {
        if (data != null) throw usage("--resume takes the data from the run's recipe; do not give DATA too.");
        if (out != null || overwrite) throw usage("--resume continues RUN in place; --out and --overwrite are for new runs.");
        List<String> others = spec.commandLine().getParseResult().matchedOptions().stream()
                .filter(o -> spec.mixins().get("options").options().contains(o) && !o.longestName().equals("--epochs"))
                .map(CommandLine.Model.OptionSpec::longestName).toList();
        if (!others.isEmpty()) {
            throw usage("--resume continues with the run's own recipe; " + String.join(", ", others)
                    + " cannot change (only --epochs can, to extend it).");
        }
        Recipe r = TrainingRun.storedRecipe(resume);
        if (FeatureSet.manifest(Path.of(r.data())) != null) {
            throw usage(resume + " was trained on --features; train it again (with --overwrite) rather than resume it.");
        }
        if (options.epochs != null) {
            try {
                r = r.toBuilder().epochs(options.epochs).build();
            } catch (Recipe.Invalid e) {
                throw usage(e.getMessage());
            }
        }
        return new TrainingRun(r, resume, Console::info);
    }

    private int train(TrainingRun run) { return report(run, resume != null ? run::resume : run::run); }

    private int report(TrainingRun run, java.util.function.Supplier<TrainingRun.Outcome> training) {
        TrainingRun.Outcome outcome;
        try {
            outcome = training.get();
        } catch (TrainingRun.Occupied e) {
            throw usage(e.getMessage().replace("it is replaced only when overwriting is asked for.",
                    "give another --out, continue it with --resume " + run.dir() + ", or replace it with --overwrite."));
        } catch (TrainingRun.Refused e) {
            throw usage(e.getMessage());
        }
        Fit.Result fit = outcome.fit();
        Console.info(fit.message());
        Path model = run.dir().resolve(SavedModel.WEIGHTS);
        boolean saved = Files.isRegularFile(model) && !outcome.epochs().isEmpty();
        int done = outcome.epochs().size(), total = run.recipe().epochs();
        if (saved) {
            // the result: on stdout, even with --quiet (stderr when stdout carries --json)
            Path report = run.dir().resolve(TrainingRun.REPORT);
            String result = String.format(Locale.ROOT, "best val Acc: %.4f (epoch %d); model: %s%s", outcome.valAccuracy(),
                    outcome.bestEpoch(), model, Files.exists(report) ? "; report: " + report : "");
            if (json) Console.info(result);
            else System.out.println(result);
        }
        if (features != null) { // a run on features is trained again rather than resumed
            if (json) System.out.println(JsonOutput.gson(false).toJson(outcome.toJson()));
            return fit.status() == Fit.Status.COMPLETED || fit.status() == Fit.Status.EARLY_STOPPED ? 0 : 1;
        }
        String again = "graft train --resume " + quoted(run.dir());
        switch (fit.status()) {
            case COMPLETED -> Console.info("to train it longer: " + again + " --epochs " + (2 * total));
            case EARLY_STOPPED -> Console.info("stopped after epoch " + done + " of " + total + "; to continue: " + again);
            case INTERRUPTED -> { // when the earlier run was put back, the run has said so
                if (!run.keptEarlierRun()) Console.info((saved ? "kept the " + done + " finished epoch" + (done == 1 ? "" : "s")
                        + " of " + total + " (the model is the best so far); " : "no epoch finished, so there is no model yet; ")
                        + "resume with: " + again);
            }
            case DIVERGED -> { }
        }
        if (json) System.out.println(JsonOutput.gson(false).toJson(outcome.toJson()));
        return fit.status() == Fit.Status.DIVERGED || fit.status() == Fit.Status.INTERRUPTED ? 1 : 0;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private String commandLine() {
        return "graft " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    private static String quoted(Path p) {
        String s = p.toString();
        return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** PARENT/ARCH-DATE-TIME, created here (atomically) so two runs started together never share it. */
    static Path defaultDir(Path parent, String arch) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"));
        try {
            Files.createDirectories(parent);
            for (int i = 1; ; i++) {
                Path dir = parent.resolve(arch + "-" + stamp + (i == 1 ? "" : "-" + i));
                try {
                    return Files.createDirectory(dir);
                } catch (java.nio.file.FileAlreadyExistsException taken) {
                    // another run started this second: take the next suffix
                }
            }
        } catch (IOException e) {
            throw new GraftException("cannot create a run directory in " + parent + ": " + e.getMessage(), e);
        }
    }
}
