package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * {@code nn.BatchNorm2d}: in training it normalises with the biased batch variance and
 * updates the running statistics with the unbiased one ({@code running = (1-m)*running +
 * m*batch}) and counts {@code num_batches_tracked}; in eval it uses the running statistics.
 * {@link #setFrozenStatistics} keeps it in eval behaviour even when the model trains, which is
 * how frozen layers keep their ImageNet statistics.
 */
public class BatchNorm2d extends Module {
    public final int features;
    public final double eps, momentum;
    private final Parameter weight, bias;
    private final Buffer runningMean, runningVar, numBatchesTracked;
    private boolean frozenStatistics;

    public BatchNorm2d(int features, double eps, double momentum) {
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        Shape s = new Shape(features);
        weight = parameter("weight", Init.constant(s, 1f));
        bias = parameter("bias", Init.constant(s, 0f));
        runningMean = buffer("running_mean", Init.constant(s, 0f));
        runningVar = buffer("running_var", Init.constant(s, 1f));
        numBatchesTracked = buffer("num_batches_tracked", Engine.root().zeros(new Shape(), DataType.INT64));
    }

    public BatchNorm2d(int features) { this(features, 1e-5, 0.1); }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public NDArray runningMean() { return runningMean.array(); }

    public NDArray runningVar() { return runningVar.array(); }

    /** When true, the layer normalises with its running statistics and never updates them. */
    public void setFrozenStatistics(boolean frozen) { this.frozenStatistics = frozen; }

    public boolean frozenStatistics() { return frozenStatistics; }

    /** True when this layer normalises with batch statistics and updates running ones. */
    public boolean usesBatchStatistics() { return isTraining() && !frozenStatistics; }

    @Override
    public NDArray forward(NDArray x) {
        boolean batchStats = usesBatchStatistics();
        if (batchStats) {
            // the 1 lives in the input's scope: a scalar made by addi(Number) would belong to
            // the buffer's (root) manager and pile up there, one per layer and step
            try (NDArray one = x.getManager().create(1L)) {
                numBatchesTracked.array().addi(one);
            }
        }
        return F.batchNorm(x, runningMean.array(), runningVar.array(), weight.array(), bias.array(),
                batchStats, momentum, eps);
    }
}
