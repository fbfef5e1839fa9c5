package dev.graft.report;

import java.util.List;

/**
 * The headline of a report: which architecture, which starting weights, which
 * fine-tuning strategy, and the best validation accuracy with the epoch it was reached at
 * (NaN and -1 when there was no validation).
 */
public record RunSummary(String arch, String weights, String strategy, double bestValAccuracy,
                         int bestEpoch) {

    /**
     * A summary whose best epoch is the first with the highest validation accuracy, the
     * epoch the PyTorch transfer-learning tutorial keeps ({@code if epoch_acc > best_acc}).
     */
    public static RunSummary fromEpochs(String arch, String weights, String strategy,
                                        List<EpochRecord> epochs) {
        double best = Double.NaN;
        int bestEpoch = -1;
        for (EpochRecord e : epochs) {
            if (!Double.isNaN(e.valAcc()) && (Double.isNaN(best) || e.valAcc() > best)) {
                best = e.valAcc();
                bestEpoch = e.epoch();
            }
        }
        return new RunSummary(arch, weights, strategy, best, bestEpoch);
    }

    /**
     * The summary of the epoch the run kept ({@code bestEpoch}, numbered from 1: its best by the
     * monitored value, which need not be the best accuracy); {@link #fromEpochs} when that epoch
     * has no validation row.
     */
    public static RunSummary ofEpoch(String arch, String weights, String strategy, List<EpochRecord> epochs,
                                     int bestEpoch) {
        return epochs.stream().filter(e -> e.epoch() == bestEpoch && !Double.isNaN(e.valAcc())).findFirst()
                .map(e -> new RunSummary(arch, weights, strategy, e.valAcc(), e.epoch()))
                .orElseGet(() -> fromEpochs(arch, weights, strategy, epochs));
    }
}
