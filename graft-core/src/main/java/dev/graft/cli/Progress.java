package dev.graft.cli;

import dev.graft.train.Fit;
import dev.graft.train.FitListener;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a training run: on a terminal a bar per phase with the running loss and ETA;
 * off a terminal (a log, CI) a plain line about every {@link #PLAIN_SECONDS} seconds inside a
 * phase ({@code   train 120/750 batches, loss 0.4321}); after each phase the seeds' line
 * {@code train Loss: 0.1234 Acc: 0.9561}. Nothing with --quiet. Epochs are numbered from 1.
 */
final class Progress implements FitListener {
    /** Seconds between two plain progress lines off a terminal. */
    static final double PLAIN_SECONDS = 10;

    private final java.util.function.IntSupplier epochs;
    private final double plainSeconds;
    private ProgressBar bar;
    private double lossSum;
    private int seen;
    private long phaseStart;
    private long lastLine;

    Progress(int epochs) { this(() -> epochs, PLAIN_SECONDS); }

    /** Epochs read when each epoch starts (an automatic recipe decides them once the data is read). */
    Progress(java.util.function.IntSupplier epochs) { this(epochs, PLAIN_SECONDS); }

    Progress(java.util.function.IntSupplier epochs, double plainSeconds) {
        this.epochs = epochs;
        this.plainSeconds = plainSeconds;
    }

    @Override
    public void epochStart(int epoch, Fit fit) {
        Console.info(String.format(Locale.ROOT, "Epoch %d/%d", epoch, epochs.getAsInt()));
    }

    @Override
    public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
        if (Console.quiet()) return;
        long now = System.nanoTime();
        if (seen == 0 && bar == null) {
            lossSum = 0;
            phaseStart = now;
            lastLine = now;
            if (Console.interactive()) {
                // batches < 0: the total is unknown (an indefinite bar, no ETA)
                bar = new ProgressBarBuilder().setTaskName(phase).setInitialMax(batches > 0 ? batches : -1)
                        .setStyle(Console.color() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" batches", 1).build();
            }
        }
        lossSum += loss;
        seen++;
        String running = String.format(Locale.ROOT, "loss %.4f", lossSum / seen);
        if (bar != null) {
            bar.stepTo(batch);
            bar.setExtraMessage(" " + running);
        } else if ((now - lastLine) / 1e9 >= plainSeconds) {
            lastLine = now;
            Console.info(String.format(Locale.ROOT, "  %s %s batches, %s, %.0f s", phase,
                    batches > 0 ? batch + "/" + batches : Integer.toString(batch), running, (now - phaseStart) / 1e9));
        }
    }

    @Override
    public void phaseEnd(Fit.PhaseResult result) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        seen = 0;
        Console.info(result.toString() + String.format(Locale.ROOT, "  (%.1f s, %.0f img/s)", result.seconds(),
                result.samples() / Math.max(result.seconds(), 1e-9)));
    }
}
