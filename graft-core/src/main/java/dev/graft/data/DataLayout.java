package dev.graft.data;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns the command line's DATA argument into {@link DataSplits}. Accepted:
 * <ul>
 * <li>{@code DIR} with {@code train/} and {@code val/} (or {@code valid/}, {@code validation/})
 * class folders and an optional {@code test/}, as in the PyTorch transfer-learning tutorial's
 * {@code hymenoptera_data}; val and test are labelled by train's classes;</li>
 * <li>{@code DIR} with only {@code train/} (and maybe {@code test/}), or {@code DIR} itself a
 * folder of class folders: train/val by a seeded stratified split ({@link Options#valSplit});</li>
 * <li>{@code stl10:DIR}, {@code fashion-mnist:DIR}, {@code mnist:DIR}, {@code cifar10:DIR}:
 * the official test set becomes {@code test}, and val is a seeded stratified split of the
 * official training set; with {@code valSplit = 0} the test set doubles as val (the
 * common "validate on test" practice of the PyTorch MNIST example).</li>
 * </ul>
 * Anything else is a GraftException with one sentence showing the expected layout.
 */
public final class DataLayout {
    private DataLayout() {}

    /**
     * Options for {@link #resolve}: fraction held out for val, seed of the split and of the
     * per-class sample, {@code --per-class} (0: all), {@code --classes} (null: all), and the
     * STL-10 fold (-1: all 5,000 training images, else torchvision's {@code folds=k}).
     */
    public record Options(double valSplit, long seed, int perClass, List<String> classes, int stl10Fold) {
        public Options {
            if (!(valSplit >= 0 && valSplit < 1)) {
                throw new GraftException("--val-split must be at least 0 and below 1, got " + valSplit + ".");
            }
            classes = classes == null ? null : List.copyOf(classes);
        }

        /** valSplit 0.2, seed 0, all images, all classes, all STL-10 training images. */
        public static Options defaults() {
            return new Options(0.2, 0, 0, null, -1);
        }

        public Options withValSplit(double v) {
            return new Options(v, seed, perClass, classes, stl10Fold);
        }

        public Options withSeed(long s) {
            return new Options(valSplit, s, perClass, classes, stl10Fold);
        }

        public Options withPerClass(int n) {
            return new Options(valSplit, seed, n, classes, stl10Fold);
        }

        public Options withClasses(List<String> c) {
            return new Options(valSplit, seed, perClass, c, stl10Fold);
        }

        public Options withStl10Fold(int f) {
            return new Options(valSplit, seed, perClass, classes, f);
        }
    }

    /** The one sentence every layout error uses, with {@code problem} saying what was found. */
    public static String expected(String problem) {
        return "DATA must be a folder of class folders (DATA/cat/*.jpg, DATA/dog/*.jpg), or have train/ and val/"
                + " class folders inside (DATA/train/cat/*.jpg, DATA/val/cat/*.jpg), or be stl10:DIR,"
                + " fashion-mnist:DIR, mnist:DIR or cifar10:DIR, but " + problem + ".";
    }

    /** Resolves with {@link Options#defaults()}. */
    public static DataSplits resolve(String spec) {
        return resolve(spec, Options.defaults());
    }

    public static DataSplits resolve(String spec, Options options) {
        DataSplits s = resolveLayout(spec, options);
        if (options.classes() != null) s = s.classes(options.classes());
        if (options.perClass() > 0) s = s.perClass(options.perClass(), options.seed());
        return s;
    }

    private static DataSplits resolveLayout(String spec, Options o) {
        int colon = spec.indexOf(':');
        String kind = colon > 0 ? spec.substring(0, colon) : "";
        Path dir = Path.of(colon > 0 ? spec.substring(colon + 1) : spec);
        switch (kind) {
            case "stl10": {
                Dataset train = Stl10.load(dir, "train");
                if (o.stl10Fold() >= 0) train = new Subset(train, Stl10.foldIndices(dir, o.stl10Fold()));
                return builtIn(spec, train, Stl10.load(dir, "test"), o);
            }
            case "fashion-mnist":
                return builtIn(spec, IdxDataset.load(dir, true, IdxDataset.FASHION_CLASSES, kind),
                        IdxDataset.load(dir, false, IdxDataset.FASHION_CLASSES, kind), o);
            case "mnist":
                return builtIn(spec, IdxDataset.load(dir, true, IdxDataset.MNIST_CLASSES, kind),
                        IdxDataset.load(dir, false, IdxDataset.MNIST_CLASSES, kind), o);
            case "cifar10":
                return builtIn(spec, Cifar10.load(dir, true), Cifar10.load(dir, false), o);
            default:
                return folder(Path.of(spec), o);
        }
    }

    private static DataSplits builtIn(String spec, Dataset train, Dataset test, Options o) {
        if (o.valSplit() == 0) return new DataSplits(train, test, test, train.classes(), spec + " (val = test)");
        Dataset[] tv = stratifiedSplit(train, o.valSplit(), o.seed());
        return new DataSplits(tv[0], tv[1], test, train.classes(),
                spec + " (val = " + pct(o.valSplit()) + " of train, seed " + o.seed() + ")");
    }

    private static DataSplits folder(Path dir, Options o) {
        if (!Files.exists(dir)) throw new GraftException(expected(dir + " does not exist"));
        if (!Files.isDirectory(dir)) throw new GraftException(expected(dir + " is a file, not a folder"));
        Path train = dir.resolve("train");
        if (Files.isDirectory(train)) {
            ImageFolder tr = checked(train);
            Path test = dir.resolve("test");
            Dataset te = Files.isDirectory(test) ? labelledBy(test, tr.classes()) : null;
            for (String v : List.of("val", "valid", "validation")) {
                if (Files.isDirectory(dir.resolve(v))) {
                    return new DataSplits(tr, labelledBy(dir.resolve(v), tr.classes()), te, tr.classes(),
                            dir + " (train/, " + v + "/" + (te != null ? ", test/" : "") + ")");
                }
            }
            if (o.valSplit() == 0) {
                throw new GraftException(expected(dir + " has train/ but no val/ and --val-split is 0"));
            }
            Dataset[] tv = stratifiedSplit(tr, o.valSplit(), o.seed());
            return new DataSplits(tv[0], tv[1], te, tr.classes(),
                    train + " (val = " + pct(o.valSplit()) + ", seed " + o.seed() + ")");
        }
        for (String v : List.of("val", "valid", "validation", "test")) {
            if (Files.isDirectory(dir.resolve(v))) {
                throw new GraftException(expected(dir + " has " + v + "/ but no train/"));
            }
        }
        ImageFolder all = checked(dir);
        if (o.valSplit() == 0) {
            throw new GraftException(expected(dir + " has no val/ folder and --val-split is 0"));
        }
        Dataset[] tv = stratifiedSplit(all, o.valSplit(), o.seed());
        return new DataSplits(tv[0], tv[1], null, all.classes(),
                dir + " (val = " + pct(o.valSplit()) + ", seed " + o.seed() + ")");
    }

    // An ImageFolder that a classifier can train on: at least two classes, each with images.
    private static ImageFolder checked(Path root) {
        List<String> classes = ImageFolder.findClasses(root);
        if (classes.isEmpty()) {
            boolean images = false;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path p : ds) images |= ImageFolder.hasImageExtension(p.getFileName().toString());
            } catch (IOException e) {
                throw new GraftException("Cannot list folder " + root + ": " + GraftException.reason(e), e);
            }
            throw new GraftException(expected(images ? root + " holds images directly, not in class folders"
                    : root + " has no class folders"));
        }
        if (classes.size() == 1) {
            throw new GraftException(expected(root + " has a single class folder (" + classes.get(0)
                    + ") and a classifier needs at least two"));
        }
        return new ImageFolder(root, classes);
    }

    private static ImageFolder labelledBy(Path root, List<String> classes) {
        if (ImageFolder.findClasses(root).isEmpty()) {
            throw new GraftException(expected(root + " has no class folders"));
        }
        return new ImageFolder(root, classes);
    }

    /**
     * Seeded stratified split: one generator seeded with {@code seed} shuffles each class's
     * samples (classes in label order, Fisher-Yates); the first {@code round(n * valSplit)}
     * go to val, at least one when the class has two or more samples and valSplit > 0, never
     * all of them. Both parts keep the dataset's order. Returns {train, val}.
     */
    public static Dataset[] stratifiedSplit(Dataset data, double valSplit, long seed) {
        int[][] byClass = Subset.indicesByClass(data);
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] isVal = new boolean[data.size()];
        for (int[] members : byClass) {
            int n = members.length;
            Subset.shuffle(members, rng);
            int nVal = (int) Math.round(n * valSplit);
            if (valSplit > 0 && n >= 2) nVal = Math.max(nVal, 1);
            nVal = Math.min(nVal, Math.max(n - 1, 0));
            for (int j = 0; j < nVal; j++) isVal[members[j]] = true;
        }
        List<Integer> tr = new ArrayList<>(), va = new ArrayList<>();
        for (int i = 0; i < isVal.length; i++) (isVal[i] ? va : tr).add(i);
        return new Dataset[] {new Subset(data, toArray(tr)), new Subset(data, toArray(va))};
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String pct(double f) {
        return Math.round(f * 1000) / 10.0 + "%";
    }
}
