package dev.graft.eval;

import dev.graft.GraftException;
import dev.graft.data.Batch;
import dev.graft.data.Cifar10;
import dev.graft.data.DataLayout;
import dev.graft.data.IdxDataset;
import dev.graft.data.ImageFolder;
import dev.graft.data.Stl10;
import dev.graft.data.Dataset;
import dev.graft.data.Loader;
import dev.graft.image.RgbImage;
import dev.graft.data.SkipList;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.Preset;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Evaluates a trained model ({@link SavedModel}) on a labelled dataset: every image once, in
 * dataset order, through the model's own inference preset (resize, centre crop, normalise),
 * into {@link Metrics} (accuracy, top-5, per-class precision/recall/F1, confusion matrix, most
 * confused pairs) plus picture tiles of the most confident mistakes. The data's classes are
 * matched to the model's by name, so a test folder may hold only some of the model's classes
 * and in any order. An unreadable image is left out of the metrics (listed in
 * {@link Result#skipped()}), rather than replaced by another image as the training loader does,
 * so nothing is counted twice. The batches go through the one inference path
 * ({@link Inference}); {@code report.EvaluationFiles} writes the result's pictures and JSON.
 * This is the Java API behind {@code graft evaluate}.
 */
public final class Evaluation {
    private Evaluation() {}

    /**
     * The outcome: the metrics (class names are the model's), tiles of the worst mistakes
     * (the image as the model saw it, titled with predicted and true class), and the images
     * that could not be read.
     */
    public record Result(Metrics metrics, List<PredictionTile> mistakes, List<SkipList.Entry> skipped) {}

    /** {@link #run(SavedModel, Dataset, int, int, IntConsumer)} without progress reports. */
    public static Result run(SavedModel model, Dataset data, int batchSize, int workers) {
        return run(model, data, batchSize, workers, done -> { });
    }

    /**
     * Runs the model over every sample of {@code data} in order, {@code batchSize} images per
     * forward pass, decoding on {@code workers} threads (0: on the caller's thread);
     * {@code progress} gets the number of images done after each batch.
     */
    public static Result run(SavedModel model, Dataset data, int batchSize, int workers, IntConsumer progress) {
        if (batchSize <= 0) throw new GraftException("--batch-size must be a positive number, got " + batchSize + ".");
        if (workers < 0) throw new GraftException("--workers must be 0 or more, got " + workers + ".");
        Dataset labelled = byModelClasses(data, model.classes());
        ImageModel net = model.load(batchSize);
        try (net) {
            return run(net, model.classes(), model.preset(), labelled, batchSize, workers, progress);
        }
    }

    /**
     * The same with a model already in memory whose outputs are {@code classes} and whose
     * inference preset is {@code preset}; {@code data}'s labels must already index {@code classes}.
     */
    public static Result run(ImageModel net, List<String> classes, Preset preset, Dataset data, int batchSize,
                             int workers, IntConsumer progress) {
        if (data.size() == 0) throw new GraftException("there are no images to evaluate.");
        ImageTransform eval = preset.evalTransform();
        MetricsAccumulator acc = new MetricsAccumulator(classes);
        List<Integer> arrivals = new ArrayList<>(); // accumulator arrival order -> dataset index
        List<String> warnings = new ArrayList<>();
        SkipList skipped = new SkipList(warnings::add);
        try (Inference inference = Inference.open(net);
             Loader loader = Loader.builder(data).transform(eval).batchSize(batchSize).shuffle(false)
                .workers(workers).normalize(preset.normalizer()).skipList(skipped).build()) {
            int position = 0;
            for (Batch b : loader.epoch(0)) {
                Logits y;
                try (b) {
                    y = inference.logits(b.data(), b.shape());
                }
                if (y.numClasses() != classes.size()) {
                    throw new GraftException("the model gives " + y.numClasses() + " outputs but model.json lists "
                            + classes.size() + " classes.");
                }
                int[] idx = b.indices();
                for (int s = 0; s < idx.length; s++, position++) {
                    // The loader puts the next readable image in place of an unreadable one:
                    // that sample is counted at its own position, so drop the stand-in.
                    if (idx[s] != position) continue;
                    acc.add(data.label(idx[s]), y.row(s), data.source(idx[s]));
                    arrivals.add(idx[s]);
                }
                progress.accept(position);
            }
        }
        if (acc.count() == 0) throw new GraftException("none of the " + data.size() + " images could be read.");
        Metrics metrics = acc.result();
        List<PredictionTile> tiles = new ArrayList<>();
        for (Mistake m : metrics.worstMistakes()) {
            int index = arrivals.get((int) m.index());
            try {
                RgbImage seen = eval.apply(data.image(index), new SplittableRandom(0));
                tiles.add(PredictionTile.fromMistake(m, classes, seen));
            } catch (IOException | RuntimeException e) {
                // read a moment ago; if it fails now the grid just has one image fewer
            }
        }
        return new Result(metrics, List.copyOf(tiles), skipped.entries());
    }

    /** A dataset to evaluate on and where it came from, for messages. */
    public record Data(Dataset dataset, String description) {}

    /**
     * The labelled images a DATA argument names for evaluation: {@code stl10:DIR},
     * {@code fashion-mnist:DIR}, {@code mnist:DIR}, {@code cifar10:DIR} give the official
     * test set (as in {@link DataLayout}); a folder with {@code test/} gives that, else its
     * {@code val/} ({@code valid/}, {@code validation/}); any other folder is itself a root of
     * class folders. Classes are the data's own; {@link #byModelClasses} matches them to a model.
     */
    public static Data data(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon > 0 ? spec.substring(0, colon) : "";
        Path dir = Path.of(colon > 0 ? spec.substring(colon + 1) : spec);
        switch (kind) {
            case "stl10":
                return new Data(Stl10.load(dir, "test"), spec + " (test)");
            case "fashion-mnist":
                return new Data(IdxDataset.load(dir, false, IdxDataset.FASHION_CLASSES, kind), spec + " (test)");
            case "mnist":
                return new Data(IdxDataset.load(dir, false, IdxDataset.MNIST_CLASSES, kind), spec + " (test)");
            case "cifar10":
                return new Data(Cifar10.load(dir, false), spec + " (test)");
            default:
                break;
        }
        dir = Path.of(spec);
        if (!Files.exists(dir)) throw new GraftException("the data folder " + dir + " does not exist.");
        if (!Files.isDirectory(dir)) {
            throw new GraftException("DATA must be a folder of class folders or have test/ or val/ in it, but "
                    + dir + " is a file.");
        }
        for (String split : List.of("test", "val", "valid", "validation")) {
            Path p = dir.resolve(split);
            if (Files.isDirectory(p)) return new Data(new ImageFolder(p), p.toString());
        }
        if (Files.isDirectory(dir.resolve("train"))) {
            throw new GraftException(dir + " has train/ but no test/ or val/ folder to evaluate on;"
                    + " give the folder of class folders itself (" + dir.resolve("train") + ") to evaluate on it.");
        }
        if (ImageFolder.findClasses(dir).isEmpty()) {
            throw new GraftException(DataLayout.expected(dir + " has no class folders"));
        }
        return new Data(new ImageFolder(dir), dir.toString());
    }

    /**
     * {@code data} with its labels renumbered to index {@code modelClasses}, matching names;
     * a class the model does not know is a GraftException.
     */
    public static Dataset byModelClasses(Dataset data, List<String> modelClasses) {
        List<String> own = data.classes();
        if (own.equals(modelClasses)) return data;
        int[] map = new int[own.size()];
        int[] counts = data.classCounts();
        List<String> unknown = new ArrayList<>();
        for (int k = 0; k < own.size(); k++) {
            map[k] = modelClasses.indexOf(own.get(k));
            if (map[k] < 0 && counts[k] > 0) unknown.add(own.get(k));
        }
        if (!unknown.isEmpty()) {
            throw new GraftException("the data has class" + (unknown.size() > 1 ? "es " : " ")
                    + quoted(unknown) + " that the model does not know; its classes are " + quoted(modelClasses) + ".");
        }
        return new Relabelled(data, modelClasses, map);
    }

    private static String quoted(List<String> names) {
        int shown = Math.min(names.size(), 20);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : ", ").append('\'').append(names.get(i)).append('\'');
        if (shown < names.size()) sb.append(" and ").append(names.size() - shown).append(" more");
        return sb.toString();
    }


    // The same samples under another class list: label k of the base becomes map[k].
    private record Relabelled(Dataset base, List<String> classes, int[] map) implements Dataset {
        @Override
        public int size() {
            return base.size();
        }

        @Override
        public int label(int i) {
            return map[base.label(i)];
        }

        @Override
        public RgbImage image(int i) throws IOException {
            return base.image(i);
        }

        @Override
        public String source(int i) {
            return base.source(i);
        }
    }
}
