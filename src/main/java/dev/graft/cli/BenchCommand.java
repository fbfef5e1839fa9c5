package dev.graft.cli;

import com.google.gson.GsonBuilder;
import dev.graft.bench.ModelBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft bench}: images per second and peak memory of training, inference or the data pipeline. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training or inference speed on random data, or the data pipeline on a folder.",
        footer = {"", "Examples:", "  graft bench --arch resnet18 --mode train --batch-size 16 --image-size 224 --json",
                "  graft bench --mode data --data photos/ --workers 2 --json"})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--arch", defaultValue = "resnet18", description = "Architecture (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--mode", defaultValue = "train", description = "train, infer or data (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--batch-size", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--image-size", defaultValue = "224", description = "Input size in pixels (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed batches (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed batches first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (!mode.equals("train") && !mode.equals("infer")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--mode must be train, infer or data, not '" + mode + "'");
        }
        ModelBench.Result r = ModelBench.run(arch, mode.equals("train"), batchSize, imageSize, iterations, warmup);
        if (json) {
            System.out.println(new GsonBuilder().create().toJson(r.toMap()));
        } else {
            System.out.printf("%s %s batch %d at %d px, %d threads: %.1f images/s (%.0f ms/batch), peak RSS %d MB%n",
                    r.arch(), r.mode(), r.batchSize(), r.imageSize(), r.threads(), r.imagesPerSecond(), r.msPerBatch(),
                    r.peakRssMb());
        }
        return 0;
    }
}
