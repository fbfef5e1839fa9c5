package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.nn.Engine;
import dev.graft.nn.MemoryEstimate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code graft} command: transfer learning from the command line. Each subcommand is
 * one class. Exit codes: 0 ok, 1 failure, 2 usage. A user's mistake prints one sentence;
 * {@code --debug} adds the stack trace.
 */
@Command(name = "graft", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Transfer learning for the JVM: fine-tune torchvision models on your images.",
        subcommands = {CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  graft demo", "  graft train my_images/ --arch resnet18",
                "  graft predict --model runs/resnet18-2026-11-23 photo.jpg"})
public final class Main implements Callable<Integer> {

    /** Options every command takes. */
    public static final class Global {
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec mixee;

        @Option(names = "--threads", paramLabel = "N", scope = CommandLine.ScopeType.INHERIT,
                description = "Compute threads; 0 (the default) means all cores.")
        public void threads(int n) {
            if (n < 0) throw new CommandLine.ParameterException(mixee.commandLine(), "--threads must be 0 (all cores) or more, not " + n + ".");
            Engine.setThreads(n);
        }

        /** How many compute threads, for a run's header: {@code 2 compute threads (all cores)}. */

        @Option(names = "--debug", description = "Show stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
        public void debug(boolean d) { Console.debug = d; }

        @Option(names = "--no-memory-check", description = "Do not refuse a batch size estimated not to fit in the"
                + " memory available (training, predict, evaluate stop with exit 1 when it does not).",
                scope = CommandLine.ScopeType.INHERIT)
        public void noMemoryCheck(boolean off) { MemoryEstimate.enabled = !off; }

        @Option(names = {"-q", "--quiet"}, description = "Print only results and errors.", scope = CommandLine.ScopeType.INHERIT)
        public void quiet(boolean q) { Console.quiet = q; }
    }

    @CommandLine.Mixin
    Global global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"graft " + (v == null ? "0.1.0" : v)};
        }
    }

    /** The command line, ready to {@code execute(args)}; flags of an earlier run (--debug, --quiet) are reset. */
    public static CommandLine commandLine() {
        Console.debug = false;
        Console.quiet = false;
        MemoryEstimate.enabled = true;
        CommandLine cl = new CommandLine(new Main());
        // each its own CommandLine: picocli applies a command's modelTransformer (lr-find's) only then
        for (Object sub : Commands.all()) cl.addSubcommand(new CommandLine(sub));
        // help as wide as the terminal (100 columns off one), so descriptions wrap between sentences less
        cl.setUsageHelpWidth(100);
        cl.setUsageHelpAutoWidth(true);
        cl.setUsageHelpLongOptionsMaxWidth(28);
        // A usage mistake: the message and where to look, not the whole usage text (exit 2); an unknown
        // command or option: one sentence, which says where the names are listed.
        cl.setParameterExceptionHandler((ex, args) -> {
            String unknown = Suggestion.message(ex);
            if (unknown == null) return usage(ex.getCommandLine(), plain(ex.getMessage()));
            Console.error(unknown);
            return ex.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof Interrupts.Said) return 130;
            Throwable cause = ex;
            while (cause.getCause() != null && !(cause instanceof GraftException)) cause = cause.getCause();
            if (Console.debug) ex.printStackTrace();
            if (cause instanceof GraftException.Usage) return usage(line, cause.getMessage());
            String resource = ResourceErrors.describe(ex);
            String msg = cause instanceof GraftException ? cause.getMessage() : resource != null ? resource : describe(ex);
            Console.error(msg);
            return 1;
        });
        return cl;
    }

    /** A usage mistake's message and where to look; exit 2. */
    private static int usage(CommandLine c, String message) {
        Console.error(message);
        System.err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
        return c.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** picocli's type words in plain English: "'abc' is not a double" -> "'abc' is not a number". */
    static String plain(String message) {
        // "Invalid value for option '--head': --head must be ..." says the option once
        return message == null ? null : message.replaceFirst("^Invalid value for option '([^']+)': (\\1 )", "$2")
                .replaceFirst("^Invalid value for option '([^']+)': ", "$1: ")
                .replaceFirst("^Missing required parameters?: '?([^']+)'?$", "missing the $1 argument.")
                .replaceFirst("^Missing required options?: '?(--[a-z-]+)[^']*'?$", "missing the $1 option.")
                .replaceAll("is not an? (double|float)\\b", "is not a number")
                .replaceAll("is not an? (int|long|integer)\\b", "is not a whole number");
    }

    private static String describe(Throwable ex) {
        String m = ex.getMessage();
        return (m == null ? ex.getClass().getSimpleName() : m) + (Console.debug ? "" : " (run with --debug for details)");
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) { // an Error passes picocli's handler
            if (Console.debug) e.printStackTrace();
            Console.error(ResourceErrors.describe(e));
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }
}
