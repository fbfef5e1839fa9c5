package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.data.DataLayout;
import dev.graft.data.Dataset;
import dev.graft.data.IdxDataset;
import dev.graft.eval.Evaluation;
import dev.graft.io.AtomicFiles;
import dev.graft.models.SavedModel;
import dev.graft.train.Comparison;
import dev.graft.train.Recipe;
import dev.graft.train.Strategy;
import dev.graft.train.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft demo}: transfer learning end to end, offline, in a few minutes on two cores.
 * A ResNet-18 is pretrained from scratch on five Fashion-MNIST classes (T-shirt, trouser,
 * pullover, sandal, bag); its weights then start models for the five other classes (dress,
 * coat, shirt, sneaker, ankle boot) with only a few labelled images per class: from scratch,
 * frozen backbone with a new head, fine-tuned, and partial (layer4), each on the automatic
 * recipe ({@link dev.graft.train.AutoRecipe}: no hand-set rate, the LR finder chooses it), and each evaluated on
 * the official test images of those classes ({@code demo.md}). Uses the full data set when Debian's dataset-fashion-mnist is installed,
 * else the 2 MB subset shipped inside Graft.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Transfer learning end to end on Fashion-MNIST, offline, in about 5 minutes on 2 cores.",
                "Pretrains on 5 classes, transfers to the other 5 with few labels, and compares scratch /",
                "frozen head / fine-tune / partial (layer4) in a table and reports."},
        footer = {"", "Examples:", "  graft demo", "  graft demo --per-class 20 --out runs/demo20"})
final class DemoCommand implements Callable<Integer> {
    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");
    /**
     * Source: tops, trousers, a sandal and a bag; target: the other garments and shoes. Measured
     * (bench/transfer-defaults.md): with source classes 0-4 (no footwear at all) the source
     * features barely helped the shoes, with this split transfer beats scratch clearly.
     */
    static final List<String> SOURCE = pick(0, 1, 2, 5, 8), TARGET = pick(3, 4, 6, 7, 9);
    /**
     * Source pretraining on the full set: images per class (the automatic recipe trains 7500
     * images for 5 epochs, about 3 minutes on 2 cores); the built-in subset has 360 per class.
     */
    static final int SOURCE_PER_CLASS = 1500;

    @Option(names = "--per-class", paramLabel = "N", defaultValue = "10", description = "Labelled images per target class (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (default: " + "/usr/share/datasets/fashion-mnist if present, else the built-in subset).")
    Path dataDir;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/demo", description = "Where the runs go (default: ${DEFAULT-VALUE}).")
    Path out;

    /** The run in training (the source, or the transfer comparison), for a Ctrl-C to stop. */
    private volatile TrainingRun pre;
    private volatile Comparison cmp;
    private volatile boolean interrupted;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (dataDir != null && !IdxDataset.present(dataDir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--data " + dataDir
                    + (Files.isDirectory(dataDir) ? " has no Fashion-MNIST IDX files (train-images-idx3-ubyte.gz ...)" : " does not exist")
                    + "; leave --data out to use " + DEBIAN + " or the built-in subset.");
        }
        // a Ctrl-C stops the run in training after its step and the demo after it, saying so before the JVM exits
        return Interrupts.run(this::interrupt, () -> "graft demo starts again from the beginning", () -> {
            try {
                return demo();
            } catch (IOException e) {
                throw new GraftException("cannot write the demo's files: " + GraftException.reason(e), e);
            }
        });
    }

    private void interrupt() {
        interrupted = true;
        TrainingRun p = pre;
        Comparison c = cmp;
        if (p != null) p.interrupt();
        if (c != null) c.interrupt();
    }

    private void stopIfInterrupted() {
        if (interrupted) throw new GraftException("interrupted: the demo stopped; its runs so far are in " + out + ".");
    }

    private int demo() throws IOException {
        long t0 = System.nanoTime();
        boolean full = dataDir != null ? IdxDataset.present(dataDir) && !builtInOnly(dataDir) : IdxDataset.present(DEBIAN);
        Path data = dataDir != null ? dataDir : full ? DEBIAN : builtIn(out.resolve("data"));
        Console.info("Fashion-MNIST from " + data + (full ? "" : " (built-in subset: 400 train / 100 test images per class)"));
        String spec = "fashion-mnist:" + data;

        // 1. the "ImageNet" of this demo: a source model trained from scratch on the source classes, automatic recipe
        Recipe.Builder sourceGiven = Recipe.builder(spec, "resnet18").strategy(Strategy.SCRATCH).weights("none")
                .classes(SOURCE).perClass(full ? SOURCE_PER_CLASS : 0).valSplit(full ? 0.02 : 0.1);
        Console.info("\n== 1/2 pretraining resnet18 from scratch on " + String.join(", ", SOURCE));
        Path sourceDir = out.resolve("source");
        TrainingRun source = new TrainingRun(sourceGiven.build(), sourceDir, Console::info).overwrite(true).auto(sourceGiven);
        source.listener(new Progress(() -> source.recipe().epochs()));
        pre = source;
        TrainingRun.Outcome p = source.run();
        stopIfInterrupted();

        // 2. transfer to the other classes with few labels, on the automatic recipe (nothing hand-set)
        Console.info("\n== 2/2 transfer to " + String.join(", ", TARGET) + " with " + perClass + " labelled images per class");
        java.util.Map<String, Recipe.Builder> given = new java.util.HashMap<>();
        cmp = new Comparison(out.resolve("transfer"), Console::info, run -> run.overwrite(true) // remade
                .auto(given.get(run.dir().getFileName().toString())).listener(new Progress(() -> run.recipe().epochs())));
        Dataset test = DataLayout.resolve(spec, new DataLayout.Options(0, 0, 0, TARGET, -1)).test();
        List<String> rows = new ArrayList<>();
        for (Strategy s : List.of(Strategy.SCRATCH, Strategy.HEAD, Strategy.FINETUNE, Strategy.PARTIAL)) {
            String r = s.toString();
            Recipe.Builder b = Recipe.builder(spec, "resnet18").classes(TARGET).perClass(perClass)
                    .valSplit(full ? 0.01 : 0.1).strategy(s).weights(sourceDir.toString())
                    .unfreezeFrom(s == Strategy.PARTIAL ? "layer4" : null);
            given.put(r, b);
            TrainingRun.Outcome o = cmp.add(r, b.build());
            stopIfInterrupted();
            double acc = Evaluation.run(SavedModel.read(o.dir()), test, 250, Runtime.getRuntime().availableProcessors()).metrics().accuracy();
            rows.add(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.0f |", r, DESCRIPTION.get(r), acc,
                    o.valAccuracy(), o.trainSeconds()));
        }
        Path html = cmp.write("Graft demo: transfer from " + String.join("/", SOURCE) + " to "
                + String.join("/", TARGET) + ", " + perClass + " labels per class");
        String table = "| run | what trains | target test acc (" + test.size() + " images) | best val acc | train s |\n"
                + "|---|---|---|---|---|\n" + String.join("\n", rows) + "\n";
        AtomicFiles.write(out.resolve("demo.md"), o -> o.write(("# Graft demo\n\nSource model (" + String.join(", ", SOURCE)
                + "): val accuracy " + String.format(Locale.ROOT, "%.4f", p.valAccuracy()) + "\n\nTarget task ("
                + String.join(", ", TARGET) + "), " + perClass + " labelled images per class:\n\n" + table)
                .getBytes(StandardCharsets.UTF_8)));

        System.out.printf(Locale.ROOT, "%nSource model: val accuracy %.4f on %s%n", p.valAccuracy(), String.join(", ", SOURCE));
        System.out.println("Target task: " + String.join(", ", TARGET) + ", " + perClass + " labelled images per class:");
        System.out.print(table);
        Console.info(String.format(Locale.ROOT, "%nreports: %s, %s and %s (%.0f s)", html, out.resolve("demo.md"),
                sourceDir.resolve(TrainingRun.REPORT), (System.nanoTime() - t0) / 1e9));
        return 0;
    }

    static final java.util.Map<String, String> DESCRIPTION = java.util.Map.of("scratch", "all layers, random init",
            "head", "new head only, source backbone frozen", "finetune", "all layers from the source weights, backbone at lr/10",
            "partial", "layer4 and head from the source weights");

    /** The built-in subset has 400 training images per class; the full set 6000. */
    private static boolean builtInOnly(Path dir) {
        try {
            return Files.size(dir.resolve("train-images-idx3-ubyte.gz")) < 5_000_000;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> pick(int... idx) {
        List<String> out = new ArrayList<>();
        for (int i : idx) out.add(IdxDataset.FASHION_CLASSES.get(i));
        return List.copyOf(out);
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
