package dev.graft.cli;

import dev.graft.report.JsonOutput;
import dev.graft.report.Plots;
import dev.graft.train.AutoRecipe;
import dev.graft.train.Recipe;
import dev.graft.train.TrainingRun;
import dev.graft.train.lrfind.LrCurve;
import dev.graft.train.lrfind.LrCurvePlot;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft lr-find}: the learning-rate range test alone, on the recipe {@code graft train}
 * would use with the same options (the automatic one by default): the sweep as a PNG, the
 * suggestion, and the rate a run would train at; nothing is trained or written but the plot.
 */
@Command(name = "lr-find", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = LrFindCommand.SweepOptions.class,
        description = {"Sweep the learning rate on DATA and print the rate graft train would take.",
                "The sweep runs the recipe graft train would use with the same options; the loss against the rate",
                "goes to a PNG."},
        footer = {"", "Examples:", "  graft lr-find photos/", "  graft lr-find photos/ --strategy head --json",
                "", "The sweep: rates 1e-5 to 1 growing exponentially, batches of the run's size, "
                        + AutoRecipe.FINDER_MIN_STEPS + "-" + AutoRecipe.FINDER_MAX_STEPS + " steps:",
                "a fifth of the images the run would train on (images x --epochs: a shorter --epochs gives a",
                "shorter, coarser sweep). It stops when the loss diverges; the model is left as it was.",
                "Below " + AutoRecipe.FINDER_MIN_IMAGES + " training images graft train does not sweep and takes "
                        + AutoRecipe.FALLBACK_LR + "; lr-find then shows",
                "the sweep for information only."})
final class LrFindCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DATA", description = "The images (as for graft train).")
    String data;

    @Mixin
    RecipeOptions options;

    @Option(names = "--plot", paramLabel = "FILE", description = "Where to write the sweep (default: lr-finder.png).")
    Path plot = Path.of("lr-finder.png");

    @Option(names = "--json", description = "Print the sweep and the suggestion as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Recipe r = options.recipe(data);
        TrainingRun run = new TrainingRun(r, Path.of("."), Console::info);
        if (options.auto()) run.auto(options.builder(data));
        // a Ctrl-C stops the sweep after its step and says so, instead of the JVM exiting under libtorch
        return Interrupts.run(run::interrupt, () -> "the plot is not written", () -> {
            AutoRecipe.Found found = run.sweep();
            LrCurve c = found.curve();
            Plots.writePng(LrCurvePlot.png(c, found.lr()), plot);
            if (json) {
                System.out.println(json(found, plot));
            } else {
                Console.info("sweep: " + c.lrs().length + " steps, " + c.stopReason() + "; plot: " + plot);
                System.out.println(String.format(Locale.ROOT, "lr: %s (%s)", fmt(found.lr()), found.how()));
            }
            return 0;
        });
    }

    /**
     * Takes out of lr-find the recipe options the sweep does not use, so --help lists only what it
     * reads (and one of them given is an unknown option), and says so at the end of --help.
     */
    static final class SweepOptions implements CommandLine.IModelTransformer {
        /** The ones that set the learning rate or its schedule. */
        private static final List<String> RATE = List.of("--lr", "--schedule", "--step-size", "--gamma", "--warmup-epochs");
        static final List<String> UNUSED = java.util.stream.Stream.concat(RATE.stream(), java.util.stream.Stream.of(
                "--class-weights", "--sampler", "--monitor", "--patience", "--cache-views", "--precision")).toList();

        /** One sentence for one of {@link #UNUSED} given to lr-find, or null for any other option. */
        static String notTaken(String option) {
            if (!UNUSED.contains(option)) return null;
            return RATE.contains(option) ? "lr-find sweeps the learning rate itself; " + option + " is a graft train option."
                    : option + " does not change lr-find's sweep; it is a graft train option.";
        }

        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            for (String name : UNUSED) spec.remove(spec.findOption(name));
            List<String> footer = new java.util.ArrayList<>(List.of(spec.usageMessage().footer()));
            footer.add("Only the options that change the sweep are taken; graft train's others");
            footer.add("(" + String.join(", ", UNUSED) + ") do not apply.");
            footer.add("--eval-full-image changes the sweep only with --augment none (it then sees the evaluation view).");
            spec.usageMessage().footer(footer.toArray(String[]::new));
            return spec;
        }
    }

    /** The sweep and the suggestion as one strict JSON object (a non-finite number is null). */
    static String json(AutoRecipe.Found found, Path plot) {
        Map<String, Object> m = found.toJson();
        m.put("plot", plot.toString());
        return JsonOutput.gson(false).toJson(m);
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.3g", v); }
}
