package dev.graft.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr for the commands: shown only on a terminal without {@code --quiet}
 * (null otherwise, so callers write {@code if (bar != null)}), coloured only when
 * {@link Console#color()} allows it ({@code NO_COLOR} turns it off).
 */
final class ProgressBars {
    private ProgressBars() {}

    /** A bar for {@code max} items called {@code unit}, or null when none should be drawn. */
    static ProgressBar bar(String task, long max, String unit) {
        if (!Console.interactive()) return null;
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(" " + unit, 1).showSpeed()
                .setStyle(Console.color() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }
}
