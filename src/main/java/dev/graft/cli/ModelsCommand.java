package dev.graft.cli;

import dev.graft.models.ModelSpec;
import dev.graft.models.WeightsSpec;
import dev.graft.models.Zoo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft models}: the architectures Graft builds and their published weights. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the architectures with parameters, GFLOPs, ImageNet accuracy and preset.",
        footer = {"", "Example:", "  graft models --json"})
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        System.out.printf("%-20s %12s %7s %7s  %s%n", "arch", "params", "GFLOPs", "acc@1", "preset");
        for (ModelSpec s : Zoo.all()) {
            WeightsSpec w = s.defaultWeights();
            System.out.printf("%-20s %,12d %7.3f %7.3f  %d/%d %s%n", s.name(), s.parameters(), w.gflops(), w.acc1(),
                    w.resize(), w.crop(), w.interpolation());
        }
        return 0;
    }
}
