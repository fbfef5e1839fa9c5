package dev.graft.cli;

import com.google.gson.GsonBuilder;
import dev.graft.bench.FrozenBench;
import dev.graft.bench.Memory;
import dev.graft.bench.ModelBench;
import dev.graft.data.DataBench;
import dev.graft.data.transforms.RandomHorizontalFlip;
import dev.graft.data.transforms.RandomResizedCrop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code graft bench}: images per second and peak memory of training, inference or the data pipeline. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training or inference speed on random data, the data pipeline on a folder, "
                + "or frozen-backbone training with the feature cache.",
        footer = {"", "Examples:", "  graft bench --arch resnet18 --mode train --batch-size 16 --image-size 224 --json",
                "  graft bench --arch resnet18 --mode infer --precision bf16 --json",
                "  graft bench --mode data --data photos/ --workers 2 --json",
                "  graft bench --mode frozen --arch resnet18 --samples 200 --epochs 10 --json"})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "resnet18", description = "Architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "train",
            description = "train, infer, data or frozen (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--image-size", paramLabel = "N", defaultValue = "224", description = "Input size in pixels (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "10", description = "Timed batches (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2", description = "Untimed batches first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, or bf16: bfloat16 inference, mixed-precision training (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--no-fold", description = "Infer without folding BatchNorm into the convolutions.")
    boolean noFold;

    @Option(names = "--nchw", description = "Run PyTorch's default NCHW memory layout instead of channels-last.")
    boolean nchw;

    @Option(names = "--data", paramLabel = "DATA", description = "Data mode: a folder of class folders of images.")
    Path data;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "-1", description = "Data mode: loader threads (default: all cores).")
    int workers;

    @Option(names = "--seconds", paramLabel = "X", defaultValue = "10", description = "Data mode: measured seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "200", description = "Frozen mode: synthetic images (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Frozen mode: epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        String problem = batchSize < 1 ? "--batch-size must be at least 1, not " + batchSize
                : imageSize < 1 || imageSize > dev.graft.data.transforms.Preset.MAX_SIZE
                        ? "--image-size must be from 1 to " + dev.graft.data.transforms.Preset.MAX_SIZE + ", not " + imageSize
                : (long) batchSize * 3 * imageSize * imageSize > Integer.MAX_VALUE
                        ? "--batch-size " + batchSize + " at --image-size " + imageSize + " needs over 2^31 values per batch"
                : iterations < 1 ? "--iterations must be at least 1, not " + iterations
                : warmup < 0 ? "--warmup cannot be negative"
                : !(seconds > 0) || Double.isInfinite(seconds) ? "--seconds must be a positive number, not " + seconds
                : samples < 1 ? "--samples must be at least 1, not " + samples
                : epochs < 1 ? "--epochs must be at least 1, not " + epochs : null;
        if (problem != null) throw new ParameterException(spec.commandLine(), problem + ".");
        Map<String, Object> out;
        String line;
        switch (mode) {
            case "train", "infer" -> {
                ModelBench.Result r = ModelBench.run(new ModelBench.Setup(arch, mode.equals("train"), batchSize,
                        imageSize, iterations, warmup, precision, !noFold, !nchw));
                out = r.toMap();
                line = String.format("%s %s (%s, %s) batch %d at %d px, %d threads: %.1f images/s (%.0f ms/batch, "
                                + "%.0f GFLOP/s), peak RSS %d MB", arch, mode, precision,
                        nchw ? "nchw" : "channels_last", batchSize, imageSize, r.threads(), r.imagesPerSecond(),
                        r.msPerBatch(), r.gflopPerSecond(), r.peakRssMb());
                if (!Double.isNaN(r.logitRelativeError())) {
                    line += String.format("; bf16 logits vs fp32: relative error %.2e, top-1 agreement %.0f%%",
                            r.logitRelativeError(), 100 * r.top1Agreement());
                }
            }
            case "data" -> {
                if (data == null) throw new ParameterException(spec.commandLine(), "--mode data needs --data DIR");
                if (!Files.isDirectory(data)) {
                    throw new ParameterException(spec.commandLine(), "--data " + data + " is not a folder");
                }
                int w = workers < 0 ? Runtime.getRuntime().availableProcessors() : workers;
                DataBench.Result r = DataBench.run(data, imageSize, w, seconds,
                        new RandomResizedCrop(imageSize).then(new RandomHorizontalFlip()), batchSize);
                out = new LinkedHashMap<>();
                out.put("mode", "data");
                out.put("images_per_second", r.imagesPerSecond());
                out.put("images_per_cpu_second", r.imagesPerCpuSecond());
                out.put("images", r.images());
                out.put("seconds", r.seconds());
                out.put("cpu_seconds", r.cpuSeconds());
                out.put("workers", r.workers());
                out.put("image_size", r.imageSize());
                out.put("batch_size", r.batchSize());
                out.put("skipped", r.skipped());
                out.put("peak_rss_mb", Memory.peakRssMb());
                line = String.format("data pipeline, %d workers, %d px: %.1f images/s, %.1f images per CPU-second, peak RSS %d MB",
                        r.workers(), r.imageSize(), r.imagesPerSecond(), r.imagesPerCpuSecond(), Memory.peakRssMb());
            }
            case "frozen" -> {
                FrozenBench.Result r = FrozenBench.run(arch, samples, epochs, batchSize, imageSize);
                out = r.toMap();
                line = String.format("%s frozen backbone, %d images x %d epochs with the feature cache: %.1f s, "
                        + "%.1f images/s, peak RSS %d MB", r.arch(), r.samples(), r.epochs(), r.seconds(),
                        r.imagesPerSecond(), r.peakRssMb());
            }
            default -> throw new ParameterException(spec.commandLine(),
                    "--mode must be train, infer, data or frozen, not '" + mode + "'");
        }
        System.out.println(json ? new GsonBuilder().create().toJson(out) : line);
        return 0;
    }
}
