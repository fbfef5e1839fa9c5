package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.train.RunCleaner;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code graft clean}: frees the disk space of runs' checkpoints, keeping their models and reports. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = {"Remove the checkpoints (and leftovers of killed writes) of finished runs to free disk space.",
                "The model, model.json, metrics and report stay, so predict, evaluate and export still work;",
                "the run can no longer be resumed or extended. A run in use by another graft process is refused."},
        footer = {"", "Examples:", "  graft clean runs/resnet18-2026-11-23-101500", "  graft clean runs/*"})
final class CleanCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run directories.")
    List<Path> runs;

    @Override
    public Integer call() {
        long total = 0;
        int failed = 0;
        for (Path run : runs) {
            try {
                RunCleaner.Cleaned c = RunCleaner.clean(run);
                total += c.bytes();
                System.out.println(run + ": removed " + c.files() + (c.files() == 1 ? " file" : " files") + ", freed "
                        + size(c.bytes()));
            } catch (GraftException e) {
                Console.error(e.getMessage());
                failed++;
            }
        }
        if (runs.size() > 1) System.out.println("freed " + size(total) + " in " + (runs.size() - failed) + " runs");
        return failed == 0 ? 0 : 1;
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
