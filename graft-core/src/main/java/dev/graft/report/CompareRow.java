package dev.graft.report;

/**
 * One trained combination in a comparison: its name (the legend label), recipe essentials,
 * best validation accuracy and epoch, parameter count, total training seconds and
 * training throughput. NaN / -1 mean unknown.
 */
public record CompareRow(String name, String arch, String weights, String strategy,
                         double bestValAccuracy, int bestEpoch, long parameters,
                         double trainSeconds, double imagesPerSecond) {}
