package dev.graft.train;

/**
 * Hooks into the fit loop, for progress bars, metrics files, checkpoints and staged
 * unfreezing. All methods have empty defaults; they run on the training thread. Epochs are
 * numbered from 1, as the command line prints them.
 */
public interface FitListener {
    /** Before an epoch's training phase (staged fine-tuning unfreezes here). */
    default void epochStart(int epoch, Fit fit) {}

    /** After each batch; {@code batches} is -1 when unknown. */
    default void batchEnd(String phase, int epoch, int batch, int batches, double loss) {}

    /** After a phase; {@code result.toString()} is the seeds' {@code train Loss: 0.1234 Acc: 0.9561}. */
    default void phaseEnd(Fit.PhaseResult result) {}

    /** After both phases, the schedule step and best-model bookkeeping (checkpoints go here). */
    default void epochEnd(Fit.EpochResult result, Fit fit) {}
}
