package dev.graft.spark.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What both Spark commands take: where to run, what to read, where to write. */
final class JobOptions {
    static boolean debug;

    @Option(names = "--master", paramLabel = "URL",
            description = "local[N], yarn, k8s://... (default: spark-submit's --master, else local[*]).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, e.g. spark.executor.memory=8g (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (any Hadoop file system).")
    String out;

    @Option(names = "--overwrite", description = "Replace an existing output folder.")
    boolean overwrite;

    @Option(names = "--batch-size", defaultValue = "16", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", paramLabel = "N", description = "Split the input into N partitions (default: Spark's file splits).")
    Integer partitions;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    void debug(boolean d) { debug = d; }

    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "Image folders (recursive), globs, files, or a .parquet/.csv table with a path column.")
    List<String> inputs;
}
