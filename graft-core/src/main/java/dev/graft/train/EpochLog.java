package dev.graft.train;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * What {@link Learner#fit} prints by default, as the tutorial's {@code train_model} loop
 * does: {@code Epoch 1/25}, a rule, then each phase's {@code train Loss: 0.1234 Acc: 0.9561}
 * and the time it took. Epochs are numbered from 1, as on the command line.
 * {@link Learner#quiet()} turns it off.
 */
final class EpochLog implements FitListener {
    private final Consumer<String> out;
    private final int epochs;

    EpochLog(Consumer<String> out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void epochStart(int epoch, Fit fit) {
        out.accept(String.format(Locale.ROOT, "Epoch %d/%d%n----------", epoch, epochs));
    }

    @Override
    public void phaseEnd(Fit.PhaseResult result) {
        out.accept(result + String.format(Locale.ROOT, "  (%.1f s)", result.seconds()));
    }
}
