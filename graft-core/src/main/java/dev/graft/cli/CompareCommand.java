package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.models.Pretrained;
import dev.graft.train.Comparison;
import dev.graft.train.Recipe;
import dev.graft.train.Strategy;
import dev.graft.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft compare}: trains every combination of the given architectures, weights and
 * strategies with the same recipe and seed, then prints and writes a table and plots of
 * validation accuracy and loss per epoch for all of them. Every combination is checked
 * (architecture known, weights found, recipe valid) before the first one trains; a strategy
 * that starts from pretrained weights is combined with {@code --weights none} as {@code scratch}
 * (the strategy implied for no weights, {@link Strategy#implied}), with a note: {@code graft train}
 * given such a strategy explicitly trains it as given on the random backbone and warns.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train several architectures, weights or strategies with one recipe and compare them.",
                "Every combination of --arch, --weights and --strategy (comma lists) is trained with the same",
                "recipe and seed; prints a table and writes compare.md, compare.png and compare.html."},
        footer = {"", "Examples:", "  graft compare data/dogs_vs_cats --arch resnet18 --weights imagenet,none --epochs 10",
                "  graft compare photos/ --arch resnet18,efficientnet_b0 --strategy head,finetune"})
final class CompareCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DATA", description = "The images, as for graft train.")
    String data;

    @Mixin
    RecipeOptions options;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the runs (default: runs/compare-<date>-<time>).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the runs of the same names already in --out.")
    boolean overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, Recipe.Builder> given = new LinkedHashMap<>();

    @Override
    public Integer call() {
        Map<String, Recipe> recipes = plan();
        // every run reads the same images: a wrong --classes or an empty folder fails before the first run's header
        TrainingRun.data(recipes.values().iterator().next());
        Path dir = out != null ? out : Path.of("runs", "compare-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")));
        // with --recipe auto (the default) each run chooses what is not given from the data, as graft train does
        Comparison comparison = new Comparison(dir, Console::info, run -> (options.auto()
                ? run.auto(given.get(run.dir().getFileName().toString())) : run)
                .overwrite(overwrite).listener(new Progress(() -> run.recipe().epochs())));
        boolean existed = Files.exists(dir);
        try {
            // after a Ctrl-C no further run starts, and the runs so far are compared before the JVM exits
            return Interrupts.run(comparison::interrupt, comparison::leftToResume, () -> {
                for (Map.Entry<String, Recipe> e : recipes.entrySet()) {
                    if (comparison.interrupted()) break;
                    try {
                        comparison.add(e.getKey(), e.getValue());
                    } catch (GraftException ex) { // stopped in its LR finder: that run left nothing
                        if (!comparison.interrupted() || comparison.rows().isEmpty()) throw ex;
                    }
                }
                Path html = comparison.write("Graft comparison on " + data);
                System.out.print(comparison.table());
                Console.info("report: " + html);
                if (comparison.interrupted()) {
                    int left = recipes.size() - comparison.rows().size();
                    Comparison.Stopped stopped = comparison.stopped();
                    Console.info("interrupted: " + (stopped == null ? "" : stopped.dir() + " stopped after "
                            + stopped.epochs() + " epoch" + (stopped.epochs() == 1 ? "" : "s")
                            + " (graft train --resume " + stopped.dir() + " finishes it)" + (left > 0 ? "; " : "."))
                            + (left > 0 ? left + " of " + recipes.size() + " runs did not train"
                            + " (--overwrite with the same command trains them all again)." : ""));
                }
                return 0;
            });
        } catch (RuntimeException e) { // a first run that fails (wrong --classes, no readable image) leaves no empty folder
            if (!existed) removeIfEmpty(dir);
            throw e;
        }
    }

    /** Every run's recipe, built and checked before the first one trains; {@link #given}: the options as given. */
    private Map<String, Recipe> plan() {
        List<String> archs = split(options.arch), weights = split(options.weights);
        List<Strategy> strategies = options.strategies() != null ? options.strategies() : Collections.singletonList(null);
        Map<String, Recipe> recipes = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String a : archs) {
            for (String w : weights) {
                for (Strategy s : strategies) {
                    Recipe.Builder b = options.builder(data, a, w, s);
                    Recipe r = options.build(b);
                    if (s != null && s.pretrained() && Strategy.implied(r.weights(), s) != s) {
                        b = options.builder(data, a, w, null);
                        r = options.build(b);
                        Console.info("note: --strategy " + s + " with --weights " + w + " would freeze a randomly"
                                + " initialised backbone, so compare trains that combination as " + r.strategy()
                                + " instead (graft train would train it as given, with a warning).");
                    }
                    try {
                        Pretrained.requireFound(r.arch(), r.weights());
                    } catch (GraftException e) {
                        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                    }
                    if (!seen.add(r.toJson())) continue; // e.g. none with head and finetune: one scratch run
                    String name = Comparison.runName(r.arch(), w == null ? r.weights() : w,
                            strategies.size() > 1 ? r.strategy().toString() : null, recipes.keySet());
                    recipes.put(name, r);
                    given.put(name, b);
                }
            }
        }
        return recipes;
    }

    private static void removeIfEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) Files.delete(dir);
        } catch (IOException ignored) { // not there, or not ours to clean
        }
    }

    /** The comma list's entries; a single null (the recipe's default) when not given. */
    private List<String> split(String list) {
        if (list == null) return Collections.singletonList(null);
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) if (!s.isBlank()) out.add(s.trim());
        if (out.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), "an empty list was given to compare.");
        return out;
    }
}
