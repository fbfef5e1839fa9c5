package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.models.SavedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Frees a run directory's disk space ({@code graft clean}): removes its checkpoints and the
 * leftovers of killed writes, under the run's lock so a run in progress is refused; the
 * model, {@code model.json}, metrics and report stay.
 */
public final class RunCleaner {
    /** What was removed: how many files and their bytes. */
    public record Cleaned(int files, long bytes) {}

    private RunCleaner() {}

    public static Cleaned clean(Path dir) {
        if (!Files.isDirectory(dir) || !(Files.exists(dir.resolve(TrainingRun.RUN_JSON))
                || Files.exists(dir.resolve(SavedModel.META)))) {
            throw new GraftException(dir + " is not a Graft run directory (it has no " + TrainingRun.RUN_JSON + ").");
        }
        try (RunLock lock = RunLock.acquire(dir, "graft clean")) {
            int files = 0;
            long bytes = 0;
            Path checkpoints = dir.resolve(TrainingRun.CHECKPOINTS);
            if (Files.isDirectory(checkpoints)) {
                List<Path> all;
                try (var s = Files.list(checkpoints)) {
                    all = s.filter(Files::isRegularFile).toList();
                }
                for (Path p : all) {
                    long size = Files.size(p);
                    Files.delete(p);
                    files++;
                    bytes += size;
                }
            }
            long leftovers = TrainingRun.removeTemporaries(dir);
            return new Cleaned(files, bytes + leftovers);
        } catch (IOException e) {
            throw new GraftException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }
}
