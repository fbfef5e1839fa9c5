package dev.graft.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * What to suggest for a mistyped command or option: the visible name nearest by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours count one each; a name that
 * begins with what was typed counts one), or nothing when no name is close ({@code graft trian} suggests {@code train}; {@code graft xyz} nothing).
 * It replaces picocli's own suggester, whose letter-pair similarity offered {@code clean} for
 * {@code trian}.
 */
final class Suggestion {
    private Suggestion() {}

    /**
     * One sentence in place of picocli's message for the first unmatched argument of {@code ex}
     * (a graft train option given to lr-find), or null to keep picocli's.
     */
    static String message(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) return null;
        String typed = u.getUnmatched().get(0).split("=", 2)[0];
        return ex.getCommandLine().getCommand() instanceof LrFindCommand ? LrFindCommand.SweepOptions.notTaken(typed) : null;
    }

    /** "Did you mean: graft train?" for the first unmatched argument of {@code ex}, or null. */
    static String forMistake(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) return null;
        CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String typed = u.getUnmatched().get(0);
        List<String> names = new ArrayList<>();
        if (typed.startsWith("-")) {
            typed = typed.split("=", 2)[0];
            for (CommandLine.Model.OptionSpec o : spec.options()) if (!o.hidden()) names.addAll(List.of(o.names()));
            String best = nearest(typed, names);
            return best == null ? null : "Did you mean " + best + "?";
        }
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            if (!e.getValue().getCommandSpec().usageMessage().hidden()) names.add(e.getKey());
        }
        String best = nearest(typed, names);
        return best == null ? null : "Did you mean: " + spec.qualifiedName() + " " + best + "?";
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
