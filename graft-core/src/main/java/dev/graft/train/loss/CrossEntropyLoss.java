package dev.graft.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * {@code nn.CrossEntropyLoss} on logits, with optional class weights and label smoothing,
 * reduction mean, as PyTorch 1.13 computes it: {@code (1-e) * nll + (e/C) * smooth} where
 * {@code nll} is the weighted negative log-likelihood normalised by the sum of the targets'
 * weights and {@code smooth = sum_i sum_c w_c * -logp[i,c]} normalised the same way (by N
 * without weights).
 */
public final class CrossEntropyLoss extends NLLLoss {
    private final double labelSmoothing;

    public CrossEntropyLoss() { this(null, 0); }

    public CrossEntropyLoss(float[] weight, double labelSmoothing) {
        super(weight);
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new dev.graft.GraftException("label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
    }

    public double labelSmoothing() { return labelSmoothing; }

    @Override
    public CrossEntropyLoss withWeight(float[] weight) { return new CrossEntropyLoss(weight, labelSmoothing); }

    @Override
    public NDArray compute(NDArray logits, int[] labels) {
        int n = labels.length, c = classes(logits, labels);
        NDArray logp = logits.logSoftmax(1);
        NDArray nll = super.compute(logp, labels);
        if (labelSmoothing == 0) return nll;
        NDManager m = logits.getManager();
        double norm = 0;
        for (int y : labels) norm += weight == null ? 1 : weight[y];
        NDArray perSample = weight == null ? logp : logp.mul(m.create(weight).reshape(1, c));
        NDArray smooth = perSample.sum().div((float) -norm);
        return nll.mul((float) (1 - labelSmoothing)).add(smooth.mul((float) (labelSmoothing / c)));
    }
}
