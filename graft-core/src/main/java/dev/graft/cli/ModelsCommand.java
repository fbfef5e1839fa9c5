package dev.graft.cli;

import dev.graft.models.ModelTable;
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
        ModelTable table = ModelTable.ofZoo();
        System.out.print(json ? table.toJson() + "\n" : table.format());
        return 0;
    }
}
