package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.train.Comparison;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft compare}: trains every combination of the given architectures, weights and
 * strategies with the same recipe and seed, then prints and writes a table and one plot of
 * validation accuracy per epoch for all of them.
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

    @Override
    public Integer call() {
        List<String> archs = split(options.arch, "resnet18");
        List<String> weights = split(options.weights, "imagenet");
        List<String> strategies = split(options.strategy, null);
        Path dir = out != null ? out : Path.of("runs", "compare-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")));
        Comparison comparison = new Comparison(dir, Console::info, run -> run.listener(new Progress(run.recipe().epochs())));
        Interrupts.run(comparison::interrupt, () -> {
            trainAll(comparison, archs, weights, strategies);
            return null;
        });
        Path html = comparison.write("Graft comparison on " + data);
        System.out.print(comparison.table());
        Console.info("report: " + html);
        return 0;
    }

    private void trainAll(Comparison comparison, List<String> archs, List<String> weights, List<String> strategies) {
        for (String a : archs) {
            for (String w : weights) {
                for (String s : strategies) {
                    options.arch = a;
                    options.weights = w;
                    options.strategy = s;
                    var recipe = options.recipe(data);
                    String name = a + "-" + w + (strategies.size() > 1 ? "-" + recipe.strategy() : "");
                    comparison.add(name, recipe);
                }
            }
        }
    }

    private static List<String> split(String list, String dflt) {
        if (list == null) return new ArrayList<>(Arrays.asList(dflt));
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) if (!s.isBlank()) out.add(s.trim());
        if (out.isEmpty()) throw new GraftException("an empty list was given to compare.");
        return out;
    }
}
