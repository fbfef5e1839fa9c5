package dev.graft.cli;

import java.io.PrintStream;

/**
 * Where the command line writes: results on stdout, progress and messages on stderr,
 * colour only on a terminal without {@code NO_COLOR}, nothing but results with {@code --quiet}.
 */
public final class Console {
    static boolean debug;
    static boolean quiet;

    private Console() {}

    public static boolean color() {
        return System.console() != null && System.getenv("NO_COLOR") == null;
    }

    public static boolean interactive() { return System.console() != null && !quiet; }

    public static boolean quiet() { return quiet; }

    /** A progress or status line on stderr (suppressed with --quiet). */
    public static void info(String line) {
        if (!quiet) System.err.println(line);
    }

    public static void warn(String line) {
        System.err.println(paint("warning: ", "33") + line);
    }

    public static void error(String line) {
        System.err.println(paint("graft: ", "31") + line);
    }

    public static PrintStream out() { return System.out; }

    static String paint(String s, String code) {
        return color() ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
