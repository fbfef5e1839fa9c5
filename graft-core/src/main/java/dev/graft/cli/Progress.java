package dev.graft.cli;

import dev.graft.train.Fit;
import dev.graft.train.FitListener;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a training run on the terminal: a bar per phase with running loss, images per
 * second and ETA, and after each phase the seeds' line {@code train Loss: 0.1234 Acc: 0.9561}.
 * Without a terminal (or with --quiet) only the epoch lines are printed, on stderr.
 */
final class Progress implements FitListener {
    private final java.util.function.IntSupplier epochs;
    private ProgressBar bar;
    private double lossSum;
    private int seen;

    Progress(int epochs) { this(() -> epochs); }

    /** Epochs read when each epoch starts (an automatic recipe decides them once the data is read). */
    Progress(java.util.function.IntSupplier epochs) { this.epochs = epochs; }

    @Override
    public void epochStart(int epoch, Fit fit) {
        Console.info(String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, epochs.getAsInt()));
    }

    @Override
    public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
        if (!Console.interactive()) return;
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(phase).setInitialMax(Math.max(batches, 1))
                    .setStyle(Console.color() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" batches", 1)
                    .showSpeed().build();
            lossSum = 0;
            seen = 0;
        }
        lossSum += loss;
        seen++;
        bar.stepTo(batch);
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", lossSum / seen));
    }

    @Override
    public void phaseEnd(Fit.PhaseResult result) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        Console.info(result.toString() + String.format(Locale.ROOT, "  (%.1f s, %.0f img/s)", result.seconds(),
                result.samples() / Math.max(result.seconds(), 1e-9)));
    }
}
