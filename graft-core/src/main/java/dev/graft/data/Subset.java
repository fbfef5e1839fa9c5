package dev.graft.data;

import dev.graft.image.RgbImage;
import dev.graft.data.transforms.ImageTransform;
import java.util.SplittableRandom;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A view on some samples of another dataset, optionally with the classes renamed to a subset
 * in a new order (labels 0..k-1), like {@code torch.utils.data.Subset} plus a target
 * remapping. Used for the train/val split of one class-folder root, {@code --per-class N}
 * and {@code --classes a,b,c}.
 */
public final class Subset implements Dataset {
    private final Dataset base;
    private final int[] indices;
    private final List<String> classes;
    private final int[] labelMap; // base label -> our label (-1: not used)

    /** Samples {@code indices} of {@code base} with base's classes. */
    public Subset(Dataset base, int[] indices) {
        this(base, indices, base.classes(), identity(base.classes().size()));
    }

    private Subset(Dataset base, int[] indices, List<String> classes, int[] labelMap) {
        this.base = base;
        this.indices = indices.clone();
        this.classes = List.copyOf(classes);
        this.labelMap = labelMap;
    }

    private static int[] identity(int n) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) m[i] = i;
        return m;
    }

    /**
     * The samples of the given classes, in base order, relabelled 0..k-1 in the given order.
     * Unknown names are the caller's error to report; here they throw IllegalArgumentException.
     */
    public static Subset ofClasses(Dataset base, List<String> names) {
        int[] map = new int[base.classes().size()];
        java.util.Arrays.fill(map, -1);
        for (int k = 0; k < names.size(); k++) {
            int b = base.classes().indexOf(names.get(k));
            if (b < 0) throw new IllegalArgumentException("no class " + names.get(k));
            map[b] = k;
        }
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) if (map[base.label(i)] >= 0) keep.add(i);
        return new Subset(base, keep.stream().mapToInt(Integer::intValue).toArray(), names, map);
    }

    /**
     * A seeded sample of at most {@code n} items per class: each class's items are shuffled
     * with one generator seeded by {@code seed} (classes in label order), the first n kept,
     * and the result listed in base order.
     */
    public static Subset perClass(Dataset data, int n, long seed) {
        int[][] byClass = indicesByClass(data);
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] keep = new boolean[data.size()];
        for (int[] members : byClass) {
            shuffle(members, rng);
            for (int j = 0; j < Math.min(n, members.length); j++) keep[members[j]] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) if (keep[i]) out.add(i);
        return new Subset(data, out.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Sample indices of each class, in dataset order. */
    static int[][] indicesByClass(Dataset data) {
        int[] counts = data.classCounts();
        int[][] out = new int[counts.length][];
        for (int k = 0; k < counts.length; k++) out[k] = new int[counts[k]];
        int[] fill = new int[counts.length];
        for (int i = 0; i < data.size(); i++) {
            int l = data.label(i);
            out[l][fill[l]++] = i;
        }
        return out;
    }

    /** Fisher-Yates, the same draws as {@code Loader}'s epoch shuffle. */
    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Index into the base dataset of our sample {@code i}. */
    public int baseIndex(int i) {
        return indices[i];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        return labelMap[base.label(indices[i])];
    }

    @Override
    public RgbImage image(int i) throws IOException {
        return base.image(indices[i]);
    }

    @Override
    public RgbImage image(int i, ImageTransform t, SplittableRandom rng) throws IOException {
        return base.image(indices[i], t, rng);
    }

    @Override
    public String source(int i) {
        return base.source(indices[i]);
    }
}
