package dev.graft.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * What to say for a mistyped command or option, in one sentence: the visible name nearest by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours count one each; a name that
 * begins with what was typed counts one), or nothing when no name is close ({@code graft trian} suggests {@code train}; {@code graft xyz} nothing).
 * It replaces picocli's own suggester, whose letter-pair similarity offered {@code clean} for
 * {@code trian}.
 */
final class Suggestion {
    private Suggestion() {}

    /**
     * One sentence in place of picocli's message for the first unmatched argument of {@code ex}:
     * "unknown command 'trian'; did you mean 'train'? (graft --help lists the commands)", the same
     * for an option, an argument too many, or lr-find's word on a graft train option it does not
     * take; null for any other mistake (picocli's message stands).
     */
    static String message(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) return null;
        CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String typed = u.getUnmatched().get(0);
        List<String> names = new ArrayList<>();
        if (typed.startsWith("-")) {
            typed = typed.split("=", 2)[0];
            String notTaken = spec.userObject() instanceof LrFindCommand ? LrFindCommand.SweepOptions.notTaken(typed) : null;
            if (notTaken != null) return notTaken;
            for (CommandLine.Model.OptionSpec o : spec.options()) if (!o.hidden()) names.addAll(List.of(o.names()));
            return unknown("option", typed, nearest(typed, names), spec.qualifiedName() + " --help lists the options");
        }
        if (spec.subcommands().isEmpty()) {
            return "unexpected argument '" + typed + "' (" + spec.qualifiedName() + " --help shows what it takes)";
        }
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            if (!e.getValue().getCommandSpec().usageMessage().hidden()) names.add(e.getKey());
        }
        return unknown("command", typed, nearest(typed, names), spec.qualifiedName() + " --help lists the commands");
    }

    private static String unknown(String what, String typed, String nearest, String where) {
        return "unknown " + what + " '" + typed + "'" + (nearest == null ? "" : "; did you mean '" + nearest + "'?")
                + " (" + where + ")";
    }

    /**
     * The name nearest to {@code typed}, or null when none is within a third of the shorter
     * word's length (leading dashes aside: no guess for words under 3 letters), a name that
     * begins with the typed word counting as one edit ({@code --warmup}: {@code --warmup-epochs});
     * the first listed wins a tie.
     */
    static String nearest(String typed, Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            String a = typed.replaceFirst("^-+", ""), b = name.replaceFirst("^-+", "");
            int d = a.length() >= 3 && b.startsWith(a) ? 1 : distance(a, b);
            if (d <= Math.min(a.length(), b.length()) / 3 && d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: the edits (swapping two neighbours counts one) from a to b. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
