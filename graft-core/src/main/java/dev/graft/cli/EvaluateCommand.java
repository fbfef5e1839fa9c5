package dev.graft.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.graft.data.Dataset;
import dev.graft.data.DataSplits;
import dev.graft.data.Subset;
import dev.graft.data.SkipList;
import dev.graft.eval.ConfusedPair;
import dev.graft.eval.Evaluation;
import dev.graft.eval.Metrics;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.report.EvaluationFiles;
import dev.graft.train.RunLock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft evaluate}: metrics, a confusion matrix and the worst mistakes of a trained model on test data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Measure a trained model on labelled images: accuracy, top-5 (over 5 classes), per-class precision/recall/F1,"
                + " confusion matrix and the most confused pairs.",
                "DATA is a folder of class folders, a folder with test/ (else val/) inside, or stl10:DIR,"
                        + " fashion-mnist:DIR, mnist:DIR, cifar10:DIR (their test set). Classes are matched to the"
                        + " model's by name."},
        footer = {"", "Examples:", "  graft evaluate --model runs/resnet18-2026-11-23 my_images/",
                "  graft evaluate --model runs/fmnist fashion-mnist:data/fashion --json"})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A Graft run directory.")
    Path model;

    @Parameters(paramLabel = "DATA", description = "Labelled images (see above).")
    String data;

    @Option(names = "--json", description = "Print the metrics as one JSON object (accuracy, top5, per_class,"
            + " confusion_matrix, most_confused, ...).")
    boolean json;

    @CommandLine.Mixin
    PrecisionOption precision;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--workers", paramLabel = "N", description = "Decoding threads (default: the number of cores).")
    Integer workers;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the images and metrics.json"
            + " (default: RUN/evaluation).")
    Path out;

    @Option(names = "--classes", paramLabel = "NAMES", split = ",", description = "Evaluate only on these classes of DATA"
            + " (e.g. the classes a model was trained on).")
    List<String> classes;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Most confused pairs to print (default: ${DEFAULT-VALUE}).")
    int top;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize <= 0) throw new CommandLine.ParameterException(spec.commandLine(),
                "--batch-size must be a positive number, not " + batchSize);
        if (workers != null && workers < 0) throw new CommandLine.ParameterException(spec.commandLine(),
                "--workers must be 0 or more, not " + workers);
        SavedModel saved = SavedModel.read(model);
        Evaluation.Data d = Evaluation.data(data);
        String wrong = classes == null ? null : DataSplits.wrongClass(classes, d.dataset().classes());
        if (wrong != null) throw new CommandLine.ParameterException(spec.commandLine(), wrong);
        if (classes != null) d = new Evaluation.Data(Subset.ofClasses(d.dataset(), classes), d.description()
                + ", classes " + String.join(", ", classes));
        Dataset labelled;
        try {
            labelled = Evaluation.byModelClasses(d.dataset(), saved.classes()); // fails before the model loads
        } catch (dev.graft.GraftException e) {
            if (classes != null) throw e;
            throw new dev.graft.GraftException(e.getMessage().replaceAll("\\.$", "") + "; --classes evaluates on a subset.");
        }
        Path dir = out != null ? out : saved.dir().resolve("evaluation");
        // writing into the run directory: the run is ours for that long (not while it trains)
        try (RunLock lock = dir.toAbsolutePath().normalize().startsWith(saved.dir().toAbsolutePath().normalize())
                ? RunLock.acquire(saved.dir(), "graft evaluate") : null) {
            return evaluate(saved, d, labelled, dir);
        }
    }

    private int evaluate(SavedModel saved, Evaluation.Data d, Dataset labelled, Path dir) {
        int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        Evaluation.Result r;
        try (ImageModel net = saved.load(batchSize)) {
            precision.apply(net, spec.commandLine());
            Console.info("evaluating " + saved.arch() + " (" + saved.classes().size() + " classes) on "
                    + d.description() + ": " + d.dataset().size() + " images");
            try (ProgressBar bar = ProgressBars.bar("evaluate", d.dataset().size(), "img")) {
                r = Evaluation.run(net, saved.classes(), saved.preset(), labelled, batchSize, threads, done -> {
                    if (bar != null) bar.stepTo(done);
                });
            }
        }
        EvaluationFiles.Written files = EvaluationFiles.write(r, dir);
        Metrics m = r.metrics();
        if (json) {
            JsonObject o = m.toJsonObject();
            o.addProperty("model", saved.dir().toString());
            o.addProperty("data", d.description());
            o.addProperty("skipped", r.skipped().size());
            o.addProperty("confusion_matrix_png", files.confusionPng().toString());
            o.addProperty("mistakes_png", files.mistakesPng() == null ? null : files.mistakesPng().toString());
            o.addProperty("metrics_json", files.metricsJson().toString());
            System.out.println(new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
                    .toJson(o));
        } else {
            System.out.print(m.formatReport());
            List<ConfusedPair> pairs = m.mostConfused();
            System.out.println();
            if (pairs.isEmpty()) {
                System.out.println("no confusions: every image was classified right.");
            } else {
                System.out.println("most confused (true -> predicted: images):");
                for (ConfusedPair p : pairs.subList(0, Math.min(Math.max(top, 0), pairs.size()))) {
                    System.out.println("  " + p.trueClass() + " -> " + p.predictedClass() + ": " + p.count());
                }
            }
        }
        for (SkipList.Entry e : r.skipped()) Console.warn("skipped " + e.path() + ": " + e.reason());
        Console.info("wrote " + files.confusionPng() + (files.mistakesPng() != null ? ", " + files.mistakesPng() : "")
                + " and " + files.metricsJson());
        return 0;
    }
}
