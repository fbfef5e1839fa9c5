package dev.graft.spark.cli;

import dev.graft.models.SavedModel;
import dev.graft.spark.GraftSpark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft spark predict}: classify many images with a trained run, one row per image. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify images on Spark with a Graft run, one row per image.",
                "Columns: path, label, probability, topk_labels, topk_probabilities, error (empty unless unreadable)."},
        footer = {"", "Examples:", "  graft spark predict --master local[2] --model runs/resnet18 --out preds/ photos/",
                "  graft spark predict --model runs/resnet18 --format csv --topk 3 --out preds/ 'photos/*/*.jpg'"})
final class SparkPredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A Graft run directory (or its model.json).")
    Path model;

    @Option(names = "--format", defaultValue = "parquet", description = "parquet or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--topk", defaultValue = "5", description = "Classes kept per image (default: ${DEFAULT-VALUE}).")
    int topk;

    @CommandLine.Mixin
    JobOptions job = new JobOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!format.equals("parquet") && !format.equals("csv")) usage("--format must be parquet or csv, not " + format);
        if (topk <= 0) usage("--topk must be a positive number, not " + topk);
        if (job.batchSize <= 0) usage("--batch-size must be a positive number, not " + job.batchSize);
        SavedModel saved = SavedModel.read(model);
        SparkSession spark = SparkJob.session(job, "graft spark predict");
        try {
            return SparkJob.run(job, "predict", format, images -> GraftSpark.predict(images, saved, topk, job.batchSize),
                    format.equals("csv") ? SparkPredictCommand::flatten : d -> d, spark);
        } finally {
            spark.stop();
        }
    }

    private void usage(String problem) {
        throw new CommandLine.ParameterException(spec.commandLine(), problem);
    }

    /** CSV has no arrays: the top-k lists become ';'-separated text. */
    static Dataset<Row> flatten(Dataset<Row> d) {
        return d.withColumn("topk_labels", functions.array_join(functions.col("topk_labels"), ";"))
                .withColumn("topk_probabilities",
                        functions.array_join(functions.col("topk_probabilities").cast("array<string>"), ";"));
    }
}
