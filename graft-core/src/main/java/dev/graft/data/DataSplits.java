package dev.graft.data;

import dev.graft.GraftException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a training run reads: the train and val datasets, an optional test dataset (null when
 * there is none), the class names shared by all three (label k = {@code classes.get(k)}),
 * and a short description of where they came from. Built by {@link DataLayout#resolve};
 * {@link #classes(List)} and {@link #perClass(int, long)} give the {@code --classes} and
 * {@code --per-class} subsets.
 */
public record DataSplits(Dataset train, Dataset val, Dataset test, List<String> classes, String description) {
    public DataSplits {
        classes = List.copyOf(classes);
    }

    /**
     * Only the named classes, in the given order, relabelled 0..k-1, in train, val and test.
     * Unknown or repeated names, or fewer than two, are a {@link GraftException.Usage}.
     */
    public DataSplits classes(List<String> names) {
        String wrong = wrongClass(names, classes);
        if (wrong != null) throw new GraftException.Usage(wrong);
        if (names.size() < 2) {
            throw new GraftException.Usage("--classes needs at least two classes to train a classifier, got " + names + ".");
        }
        return new DataSplits(Subset.ofClasses(train, names), Subset.ofClasses(val, names),
                test == null ? null : Subset.ofClasses(test, names), names, description + ", classes " + names);
    }

    /**
     * What is wrong with the names given in --classes for data with these classes (a name
     * not in the data, or one given twice), as one sentence; null when nothing is.
     */
    public static String wrongClass(List<String> names, List<String> classes) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!classes.contains(n)) {
                return "class '" + n + "' given in --classes is not in the data; the classes are " + String.join(", ", classes) + ".";
            }
            if (!seen.add(n)) return "class '" + n + "' is given twice in --classes.";
        }
        return null;
    }

    /** A seeded sample of at most {@code n} training images per class; val and test unchanged. */
    public DataSplits perClass(int n, long seed) {
        if (n <= 0) throw new GraftException.Usage("--per-class must be a positive number of images, got " + n + ".");
        return new DataSplits(Subset.perClass(train, n, seed), val, test, classes,
                description + ", " + n + " per class (seed " + seed + ")");
    }

    /**
     * Images per class in each split, keyed "train", "val" and (when present) "test", each
     * indexed by label; ready for Gson.
     */
    public Map<String, int[]> counts() {
        return counts(new SkipList(w -> { }));
    }

    /**
     * {@link #counts()} without the files in {@code skipped}: the images a run could read. A
     * loader finds an unreadable file only when it reads it, so after training these are
     * exact for train and val, and the listed files for a test split training never reads.
     */
    public Map<String, int[]> counts(SkipList skipped) {
        Map<String, int[]> out = new LinkedHashMap<>();
        out.put("train", readable(train, skipped));
        out.put("val", readable(val, skipped));
        if (test != null) out.put("test", readable(test, skipped));
        return out;
    }

    private static int[] readable(Dataset d, SkipList skipped) {
        if (skipped.size() == 0) return d.classCounts();
        int[] counts = new int[d.classes().size()];
        for (int i = 0; i < d.size(); i++) if (!skipped.contains(d.source(i))) counts[d.label(i)]++;
        return counts;
    }

    /** One line: sizes of each split and the training images per class. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(description).append(": ").append(classes.size()).append(" classes, train ").append(train.size())
                .append(", val ").append(val.size());
        if (test != null) sb.append(", test ").append(test.size());
        sb.append(" images; train per class:");
        int[] counts = train.classCounts();
        for (int k = 0; k < classes.size(); k++) sb.append(k == 0 ? " " : ", ").append(classes.get(k)).append(' ')
                .append(counts[k]);
        return sb.toString();
    }
}
