package dev.graft.report;

/**
 * One trained combination in a comparison: its name (the legend label), recipe essentials,
 * best validation accuracy and epoch, parameter count, total training seconds and
 * training throughput (the best epoch numbered from 1). NaN / a best epoch below 1 mean unknown.
 */
public record CompareRow(String name, String arch, String weights, String strategy,
                         double bestValAccuracy, int bestEpoch, long parameters,
                         double trainSeconds, double imagesPerSecond) {

    /**
     * Negative transfer: this run started from pretrained weights and reached a lower best
     * validation accuracy than a run of the same architecture trained from scratch among {@code rows}.
     */
    public boolean worseThanScratch(java.util.List<CompareRow> rows) {
        if ("scratch".equals(strategy) || "none".equals(weights) || Double.isNaN(bestValAccuracy)) return false;
        return rows.stream().anyMatch(r -> "scratch".equals(r.strategy()) && r.arch().equals(arch)
                && r.bestValAccuracy() > bestValAccuracy);
    }

    /** What the comparison tables add after such a run's accuracy. */
    public static final String WORSE_THAN_SCRATCH = "worse than scratch: negative transfer";
}
