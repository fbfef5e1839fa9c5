package dev.graft.spark.cli;

import dev.graft.GraftException;
import dev.graft.cli.Console;
import dev.graft.models.HeadSpec;
import dev.graft.models.Pretrained;
import dev.graft.models.SavedModel;
import dev.graft.spark.FeatureShards;
import dev.graft.spark.GraftSpark;
import dev.graft.train.FeatureSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft spark features}: the penultimate features of many images, as Parquet. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Compute the penultimate (pooled backbone) features of images on Spark, as Parquet.",
                "Columns: path, features (float array), error (empty unless the image was unreadable).",
                "Images in class folders also get OUT/_graft/ (features.json + safetensors shards, labels = parent",
                "folder names) for graft train --features OUT, which trains a head on them without the images."},
        footer = {"", "Examples:", "  graft spark features --master local[2] --model runs/resnet18 --out feats/ photos/",
                "  graft spark features --arch resnet50 --weights imagenet --out feats/ 'hdfs:///catalogue/*.jpg'"})
final class SparkFeaturesCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "RUN", description = "A Graft run directory (or its model.json).")
    Path model;

    @Option(names = "--arch", description = "Architecture, with --weights (see graft models).")
    String arch;

    @Option(names = "--weights", description = "imagenet, a weights tag, or a .pth/.safetensors file.")
    String weights;

    @CommandLine.Mixin
    JobOptions job = new JobOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (model != null && (arch != null || weights != null)) usage("give either --model RUN or --arch NAME --weights W, not both");
        if (model == null && (arch == null || weights == null)) usage("give --model RUN, or --arch NAME with --weights imagenet|FILE");
        if (job.batchSize <= 0) usage("--batch-size must be a positive number, not " + job.batchSize);
        SavedModel saved = model != null ? SavedModel.read(model) : null;
        SparkSession spark = SparkJob.session(job, "graft spark features");
        try {
            SavedModel run = saved != null ? saved : asRun(arch, weights);
            int code = SparkJob.run(job, "features", "parquet", images -> GraftSpark.features(images, run, job.batchSize),
                    d -> d, spark);
            long rows = FeatureShards.write(spark, job.out, run, model != null ? runDir(model) : weightsName(weights));
            Console.info(rows > 0 ? "for graft train --features " + job.out + ": " + rows + " labelled feature rows in "
                    + job.out + "/" + FeatureSet.SUBDIR : "the images are not in class folders, so no training shards were written.");
            return code;
        } finally {
            spark.stop();
        }
    }

    /** The run folder a --model argument names (it may name the model.json inside it). */
    private static String runDir(Path model) {
        Path p = model.toAbsolutePath().normalize();
        return (Files.isDirectory(p) ? p : p.getParent()).toString();
    }

    /** imagenet or a tag as given, a weights file as an absolute path. */
    private static String weightsName(String weights) {
        Path p = Path.of(weights);
        return Files.isRegularFile(p) ? p.toAbsolutePath().normalize().toString() : weights;
    }

    private void usage(String problem) {
        throw new CommandLine.ParameterException(spec.commandLine(), problem);
    }

    /** Published or file weights saved as a temporary run, so they ship to the executors like one. */
    static SavedModel asRun(String arch, String weights) {
        Pretrained.Loaded loaded = Pretrained.load(arch, weights, null, false, Console::warn);
        try (var net = loaded.model()) {
            var head = net.namedParameters().get(loaded.spec().headPath() + ".weight");
            List<String> classes = loaded.classes();
            if (classes == null) {
                classes = new ArrayList<>();
                for (long i = 0; i < head.array().getShape().get(0); i++) classes.add(Long.toString(i));
            }
            var preset = (loaded.weights() != null ? loaded.weights() : loaded.spec().defaultWeights()).preset();
            Path dir = Files.createTempDirectory("graft-spark-weights-");
            dir.toFile().deleteOnExit();
            SavedModel saved = SavedModel.write(dir, net, arch, classes, preset, HeadSpec.LINEAR, loaded.source());
            saved.weightsFile().toFile().deleteOnExit();
            dir.resolve(SavedModel.META).toFile().deleteOnExit();
            return saved;
        } catch (IOException e) {
            throw new GraftException("cannot write a temporary copy of the weights: " + e.getMessage(), e);
        }
    }
}
