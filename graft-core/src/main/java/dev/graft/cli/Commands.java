package dev.graft.cli;

import java.util.List;

/** The subcommands, in the order {@code graft --help} lists them. */
final class Commands {
    private Commands() {}

    static List<Object> all() {
        return List.of(new DemoCommand(), new TrainCommand(), new CompareCommand(), new LrFindCommand(), new PredictCommand(),
                new EvaluateCommand(), new ServeCommand(), new ModelsCommand(), new WeightsCommand(), new ExportCommand(),
                new CleanCommand(), new BenchCommand());
    }
}
