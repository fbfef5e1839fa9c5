package dev.graft.report;

import java.util.List;
import java.util.Map;

/**
 * What the run was trained on: class names, per split (in map order, e.g. "train", "val")
 * the number of images of each class (indexed like {@code classes}; a training run counts the
 * images it could read), and the files that were skipped.
 */
public record DataSummary(List<String> classes, Map<String, int[]> countsPerSplit,
                          List<SkippedFile> skipped) {
    public DataSummary {
        for (Map.Entry<String, int[]> e : countsPerSplit.entrySet()) {
            if (e.getValue().length != classes.size()) {
                throw new IllegalArgumentException("split " + e.getKey() + " has "
                        + e.getValue().length + " counts for " + classes.size() + " classes");
            }
        }
    }
}
