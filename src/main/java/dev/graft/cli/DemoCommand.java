package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.data.IdxDataset;
import dev.graft.train.Comparison;
import dev.graft.train.Recipe;
import dev.graft.train.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft demo}: transfer learning end to end, offline, in a few minutes on two cores.
 * A ResNet-18 is pretrained from scratch on five Fashion-MNIST classes (clothes); its
 * weights then start three models for the five other classes (shoes, bags, shirts) with
 * only a few labelled images per class: from scratch, frozen backbone with a new head, and
 * fine-tuned. Uses the full data set when Debian's dataset-fashion-mnist is installed,
 * else the 2 MB subset shipped inside Graft.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Pretrain on 5 Fashion-MNIST classes, transfer to the other 5 with few labels, and compare",
                "scratch / frozen head / fine-tune in a table and a report. Offline, a few minutes on 2 cores."},
        footer = {"", "Examples:", "  graft demo", "  graft demo --per-class 20 --out runs/demo20"})
final class DemoCommand implements Callable<Integer> {
    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> SOURCE = IdxDataset.FASHION_CLASSES.subList(0, 5);
    static final List<String> TARGET = IdxDataset.FASHION_CLASSES.subList(5, 10);

    @Option(names = "--per-class", defaultValue = "10", description = "Labelled images per target class (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: " + "/usr/share/datasets/fashion-mnist if present, else the built-in subset).")
    Path dataDir;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/demo", description = "Where the runs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        boolean full = dataDir != null || IdxDataset.present(DEBIAN);
        Path data = dataDir != null ? dataDir : full ? DEBIAN : builtIn(out.resolve("data"));
        Console.info("Fashion-MNIST from " + data + (full ? "" : " (built-in subset: 400 train / 100 test images per class)"));
        String spec = "fashion-mnist:" + data;

        // 1. the "ImageNet" of this demo: a source model trained on clothes
        Recipe source = Recipe.defaults(spec, "resnet18").with("weights", "none").with("strategy", "scratch")
                .with("classes", SOURCE).with("perClass", full ? 1000 : 0).with("valSplit", full ? 0.05 : 0.2)
                .with("imageSize", 32).with("augment", "none").with("optimizer", "adam").with("lr", 0.001)
                .with("schedule", "cosine").with("epochs", 4).with("batchSize", 64);
        Console.info("\n== 1/2 pretraining resnet18 on " + String.join(", ", SOURCE));
        Path sourceDir = out.resolve("source");
        TrainingRun pre = new TrainingRun(source, sourceDir, Console::info).listener(new Progress(source.epochs()));
        TrainingRun.Outcome p = pre.run();

        // 2. transfer to the other classes with few labels
        Console.info("\n== 2/2 transfer to " + String.join(", ", TARGET) + " with " + perClass + " labelled images per class");
        Recipe target = source.with("classes", TARGET).with("perClass", perClass).with("epochs", 15)
                .with("batchSize", 16).with("optimizer", "sgd").with("lr", 0.01).with("schedule", "step")
                .with("stepSize", 10).with("augment", "light");
        Comparison cmp = new Comparison(out.resolve("transfer"), Console::info,
                run -> run.listener(new Progress(run.recipe().epochs())));
        cmp.add("scratch", target);
        cmp.add("head", target.with("weights", sourceDir.toString()).with("strategy", "head"));
        cmp.add("finetune", target.with("weights", sourceDir.toString()).with("strategy", "finetune"));
        Path html = cmp.write("Graft demo: transfer from " + String.join("/", SOURCE) + " to "
                + String.join("/", TARGET) + ", " + perClass + " labels per class");

        System.out.printf("%nSource model: val accuracy %.4f on %d clothes classes%n", p.valAccuracy(), SOURCE.size());
        System.out.println("Target task, " + perClass + " labelled images per class:");
        System.out.print(cmp.table());
        Console.info("\nreports: " + html + " and " + sourceDir.resolve(TrainingRun.REPORT));
        return 0;
    }

    /** Copies the subset shipped in the jar to a folder the IDX reader can open. */
    private static Path builtIn(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            try (InputStream in = DemoCommand.class.getResourceAsStream("/dev/graft/demo/" + f)) {
                if (in == null) throw new GraftException("the built-in demo data is missing from this build (" + f + ").");
                Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
