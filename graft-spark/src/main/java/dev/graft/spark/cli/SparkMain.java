package dev.graft.spark.cli;

import dev.graft.GraftException;
import dev.graft.cli.Console;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code graft spark}: batch prediction and feature extraction on Apache Spark, the main
 * class of the graft-spark jar (for bin/graft and for {@code spark-submit --class}). Exit
 * codes as the core CLI: 0 ok, 1 failure, 2 usage; a mistake prints one sentence.
 */
@Command(name = "graft spark", mixinStandardHelpOptions = true, version = "graft spark 0.1.0",
        description = "Run a Graft model over many images on Apache Spark (local[*], YARN or Kubernetes).",
        subcommands = {CommandLine.HelpCommand.class, SparkPredictCommand.class, SparkFeaturesCommand.class},
        footer = {"", "Examples:", "  graft spark predict --master local[2] --model runs/resnet18 --out preds/ photos/",
                "  graft spark features --model runs/resnet18 --out features/ 's3a://bucket/catalogue/*.jpg'"})
public final class SparkMain implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            // Spark's INFO chatter off; warnings and the stage progress bar stay
            System.setProperty("log4j2.configurationFile", "graft-spark-log4j2.properties");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line, ready to {@code execute(args)} (exit code returned, not exited with). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SparkMain());
        cl.setParameterExceptionHandler((ex, args) -> {
            Console.error(ex.getMessage());
            System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (JobOptions.debug) ex.printStackTrace();
            Console.error(describe(ex));
            return 1;
        });
        return cl;
    }

    /** One sentence for the user: Graft's own message, or Spark's without its error class and SQL state. */
    static String describe(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null && !(cause instanceof GraftException)) cause = cause.getCause();
        if (cause instanceof GraftException) return cause.getMessage();
        String m = ex.getMessage() == null ? "" : ex.getMessage().lines().findFirst().orElse("");
        m = m.replaceFirst("^\\[[A-Z_.]+\\]\\s*", "").replaceFirst("\\s*SQLSTATE: \\w+\\.?$", "").trim();
        return m.isEmpty() ? "the Spark job failed (run with --debug for details)." : m;
    }
}
