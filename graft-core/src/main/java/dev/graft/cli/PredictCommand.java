package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.data.ImageFolder;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.eval.Predictor;
import dev.graft.eval.Predictor.Prediction;
import dev.graft.models.ImageModel;
import dev.graft.models.Pretrained;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft predict}: classify images with a trained run or a zoo model and weights. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify images (files or folders) with a trained model or published weights.",
        footer = {"", "Examples:", "  graft predict --model runs/resnet18-2026-11-23 photos/",
                "  graft predict --arch resnet50 --weights imagenet --topk 3 --json cat.jpg",
                "  graft predict --arch efficientnet_b0 --weights efficientnet_b0.pth img.png"})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "RUN", description = "A Graft run directory (or its model.json).")
    Path model;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Architecture, with --weights (see graft models).")
    String arch;

    @Option(names = "--weights", paramLabel = "WEIGHTS", description = "imagenet, a weights tag (IMAGENET1K_V2), or a .pth/.safetensors file.")
    String weights;

    @Option(names = "--resize", paramLabel = "N", description = "Resize the short side to N (default: the weights' preset).")
    Integer resize;

    @Option(names = "--crop", paramLabel = "N", description = "Centre crop size (default: the weights' preset).")
    Integer crop;

    @Option(names = "--interpolation", paramLabel = "INTERPOLATION", description = "bilinear or bicubic (default: the weights' preset).")
    String interpolation;

    @Option(names = "--topk", paramLabel = "N", defaultValue = "5", description = "Classes to show per image (default: ${DEFAULT-VALUE}).")
    int topk;

    @CommandLine.Mixin
    PrecisionOption precision;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print JSON: {\"predictions\": [{\"image\", \"top\": [...]}]}.")
    boolean json;

    @Option(names = "--csv", description = "Print a CSV table: image,rank,index,label,probability,error (an unreadable image: one row with only its error).")
    boolean csv;

    @Option(names = "--logits", description = "Include the raw logits in the JSON.")
    boolean logits;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a page of the images with their top-3 classes (self-contained HTML).")
    Path html;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files or folders of images.")
    List<Path> inputs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // A wrong combination of options is a usage error (exit 2), like an unknown option.
    private void checkOptions() {
        String problem = null;
        if (model != null && (arch != null || weights != null)) {
            problem = "give either --model RUN or --arch NAME --weights W, not both";
        } else if (model == null && (arch == null || weights == null)) {
            problem = "give --model RUN, or --arch NAME with --weights imagenet|FILE";
        } else if (topk <= 0) {
            problem = "--topk must be a positive number, not " + topk;
        } else if (batchSize <= 0) {
            problem = "--batch-size must be a positive number, not " + batchSize;
        } else if (resize != null && (resize < 1 || resize > Preset.MAX_SIZE)) {
            problem = "--resize must be from 1 to " + Preset.MAX_SIZE + ", not " + resize;
        } else if (crop != null && (crop < 1 || crop > Preset.MAX_SIZE)) {
            problem = "--crop must be from 1 to " + Preset.MAX_SIZE + ", not " + crop;
        } else if (json && csv) {
            problem = "give --json or --csv, not both";
        }
        if (problem != null) throw new CommandLine.ParameterException(spec.commandLine(), problem);
    }

    @Override
    public Integer call() {
        checkOptions();
        ImageModel net;
        List<String> classes;
        Preset preset;
        if (model != null) {
            SavedModel saved = SavedModel.read(model);
            net = saved.load(batchSize);
            classes = saved.classes();
            preset = saved.preset();
        } else {
            Pretrained.Loaded loaded = Pretrained.load(arch, weights, null, Console.interactive(), Console::warn);
            net = loaded.model();
            preset = (loaded.weights() != null ? loaded.weights() : loaded.spec().defaultWeights()).preset();
            classes = loaded.classes() != null ? loaded.classes() : namesFor(loaded);
        }
        preset = new Preset(resize != null ? resize : preset.resize(), crop != null ? crop : preset.crop(),
                interpolation != null ? Interpolation.parse(interpolation) : preset.interpolation(),
                preset.mean(), preset.std());
        List<Path> images = expand(inputs);
        List<Prediction> results = new ArrayList<>();
        try (net; ProgressBar bar = images.size() > batchSize ? ProgressBars.bar("predict", images.size(), "img") : null) {
            precision.apply(net, spec.commandLine());
            Predictor predictor = new Predictor(net, classes, preset, batchSize);
            for (int start = 0; start < images.size(); start += batchSize) {
                List<Path> chunk = images.subList(start, Math.min(images.size(), start + batchSize));
                results.addAll(predictor.predict(chunk, topk, logits));
                if (bar != null) bar.stepBy(chunk.size());
            }
        }
        print(results);
        if (html != null) dev.graft.serve.PredictionPage.write(html, results);
        // like train and evaluate: an unreadable image is skipped and named; the run fails only when none was read
        List<String> skipped = results.stream().map(Prediction::error).filter(e -> e != null).toList();
        if (skipped.size() == 1 && results.size() == 1) {
            Console.error("cannot read " + skipped.get(0));
            return 1;
        }
        for (String e : skipped) Console.warn("skipped " + e);
        if (!skipped.isEmpty() && skipped.size() == results.size()) {
            Console.error("none of the " + skipped.size() + " images could be read.");
            return 1;
        }
        return 0;
    }

    // A bare weights file has no class names: ImageNet's fit a 1000-way head, others get indices.
    private static List<String> namesFor(Pretrained.Loaded loaded) {
        var head = loaded.model().namedParameters().get(loaded.spec().headPath() + ".weight");
        long outputs = head == null ? -1 : head.array().getShape().get(0);
        if (outputs == 1000) return Zoo.imagenetClasses();
        Console.warn(loaded.source() + " has no class names" + (outputs > 0 ? " for its " + outputs + " classes" : "")
                + ", so labels are class indices; with a run directory (--model RUN) they are names.");
        return List.of();
    }

    private void print(List<Prediction> results) {
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Prediction p : results) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("image", p.image());
                if (p.error() != null) {
                    m.put("error", p.error());
                } else {
                    m.put("top", p.top());
                    if (p.logits() != null) m.put("logits", p.logits());
                }
                list.add(m);
            }
            System.out.println(dev.graft.report.JsonOutput.gson(true)
                    .toJson(Map.of("predictions", list)));
            return;
        }
        if (csv) System.out.println("image,rank,index,label,probability,error");
        for (Prediction p : results) {
            if (p.error() != null) { // also named on stderr after the predictions
                if (csv) System.out.println(quote(p.image()) + ",,,,," + quote(p.error()));
                continue;
            }
            for (int r = 0; r < p.top().size(); r++) {
                Predictor.Scored s = p.top().get(r);
                if (csv) {
                    System.out.printf(Locale.ROOT, "%s,%d,%d,%s,%.6f,%n", quote(p.image()), r + 1, s.index(),
                            quote(s.label()), s.probability());
                } else {
                    if (r == 0) System.out.println(p.image());
                    System.out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100 * s.probability(), s.label());
                }
            }
        }
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Files as given; folders become their image files, recursively, sorted. */
    static List<Path> expand(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(f -> ImageFolder.hasImageExtension(f.getFileName().toString()))
                            .sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new GraftException("cannot list " + p + ": " + GraftException.reason(e), e);
                }
            } else if (Files.exists(p)) {
                out.add(p);
            } else {
                throw new GraftException("no such file or folder: " + p);
            }
        }
        if (out.isEmpty()) throw new GraftException("no images found in " + inputs + ".");
        return out;
    }
}
