package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.io.WeightCache;
import dev.graft.models.ModelSpec;
import dev.graft.models.WeightsSpec;
import dev.graft.models.Zoo;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code graft weights list|fetch|verify}: the published weights and the local PyTorch cache. */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "List, download or verify published ImageNet weights (shared with PyTorch's cache).",
        subcommands = {WeightsCommand.ListCmd.class, WeightsCommand.Fetch.class, WeightsCommand.Verify.class},
        footer = {"", "Examples:", "  graft weights list", "  graft weights fetch resnet50.IMAGENET1K_V2",
                "  graft weights verify ~/.cache/torch/hub/checkpoints/resnet18-f37072fd.pth"})
final class WeightsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    static WeightsSpec find(String name) {
        String[] parts = name.split("\\.", 2);
        ModelSpec m = Zoo.get(parts[0]);
        WeightsSpec w = parts.length == 1 ? m.defaultWeights() : m.weights(parts[1]);
        if (w == null) throw new GraftException("no weights '" + name + "'; see graft weights list.");
        return w;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every published weights file and whether it is cached.")
    static final class ListCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            WeightCache cache = WeightCache.standard();
            System.out.printf("%-36s %-44s %7s  %s%n", "name", "file", "acc@1", "cached");
            for (ModelSpec m : Zoo.all()) {
                for (WeightsSpec w : m.weights()) {
                    System.out.printf(Locale.ROOT, "%-36s %-44s %7.3f  %s%n", w.name(), w.fileName(), w.acc1(),
                            cache.find(w.fileName()).isPresent() ? "yes" : "no");
                }
            }
            System.out.println("cache: " + cache.dir());
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true, description = "Download weights into the PyTorch cache.")
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "arch or arch.TAG, e.g. resnet18 or resnet50.IMAGENET1K_V2")
        String name;

        @Override
        public Integer call() {
            WeightsSpec w = find(name);
            Path p = WeightCache.standard().fetch(w.url(), w.fileName(), null, Console.interactive());
            System.out.println(p);
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check a file's sha256 against the prefix in its name.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            WeightCache.Verification v = WeightCache.verify(file);
            if (v.expectedPrefix() == null) {
                System.out.println(file + ": sha256 " + v.sha256() + " (the name carries no hash to check)");
                return 0;
            }
            System.out.println(file + ": " + (v.ok() ? "ok" : "MISMATCH, expected a sha256 starting with "
                    + v.expectedPrefix()) + " (sha256 " + v.sha256() + ")");
            return v.ok() ? 0 : 1;
        }
    }
}
