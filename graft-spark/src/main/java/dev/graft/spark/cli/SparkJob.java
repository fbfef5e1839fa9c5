package dev.graft.spark.cli;

import dev.graft.GraftException;
import dev.graft.cli.Console;
import dev.graft.spark.GraftSpark;
import java.util.Locale;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * One command's Spark job: the session (master and settings from the options, else from
 * spark-submit), the images, the transformation, the write (Spark's commit protocol makes
 * the output appear whole or not at all) and a one-line summary read back from the output.
 */
final class SparkJob {
    private SparkJob() {}

    static SparkSession session(JobOptions o, String name) {
        SparkConf conf = new SparkConf().setAppName(name);
        if (o.master != null) conf.setMaster(o.master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        o.conf.forEach(conf::set);
        // the stage progress bar on a terminal, not in a cluster driver's log
        if (!conf.contains("spark.ui.showConsoleProgress")) conf.set("spark.ui.showConsoleProgress", Boolean.toString(System.console() != null));
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        // In local mode the driver is the executor: start the engine with the task's threads.
        GraftSpark.threadsPerTask(Integer.parseInt(conf.get("spark.task.cpus", "1")));
        return spark;
    }

    static int run(JobOptions o, String name, String format, Function<Dataset<Row>, Dataset<Row>> job,
                   Function<Dataset<Row>, Dataset<Row>> forFormat, SparkSession spark) {
        long t0 = System.nanoTime();
        Dataset<Row> images = GraftSpark.readImages(spark, o.inputs);
        if (o.partitions != null) images = images.repartition(o.partitions);
        Dataset<Row> result = forFormat.apply(job.apply(images));
        var writer = result.write().mode(o.overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
        if (format.equals("csv")) writer = writer.option("header", "true");
        try {
            writer.format(format).save(o.out);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("PATH_ALREADY_EXISTS")) {
                throw new GraftException(o.out + " already exists; choose another --out or add --overwrite.");
            }
            throw e;
        }
        Dataset<Row> written = spark.read().format(format).option("header", "true").load(o.out);
        long rows = written.count();
        long bad = written.where("error IS NOT NULL AND error != ''").count();
        double s = (System.nanoTime() - t0) / 1e9;
        Console.info(String.format(Locale.ROOT, "%s: %d images in %.1f s (%.1f images/s) written to %s%s", name, rows, s,
                rows / s, o.out, bad == 0 ? "" : "; " + bad + " could not be read (see the error column)"));
        return 0;
    }
}
