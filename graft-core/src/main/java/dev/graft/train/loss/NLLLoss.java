package dev.graft.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;

/**
 * {@code nn.NLLLoss}: the negative log-probability of the target class, for heads that end in
 * {@code LogSoftmax} (the seed's {@code Linear-ReLU-Linear-LogSoftmax} head). With class
 * weights the mean is normalised by the sum of the targets' weights, as PyTorch does.
 */
public class NLLLoss implements Loss {
    protected final float[] weight;

    public NLLLoss() { this(null); }

    public NLLLoss(float[] weight) { this.weight = weight == null ? null : weight.clone(); }

    /** The same loss with these class weights (null: none). */
    public NLLLoss withWeight(float[] weight) { return new NLLLoss(weight); }

    /** The class weights, or null. */
    public float[] weight() { return weight == null ? null : weight.clone(); }

    @Override
    public NDArray compute(NDArray logProbs, int[] labels) {
        int n = labels.length, c = classes(logProbs, labels);
        float[] picked = new float[n * c];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            float w = weight == null ? 1f : weight[labels[i]];
            picked[i * c + labels[i]] = w;
            norm += w;
        }
        NDManager m = logProbs.getManager();
        // a one-hot product instead of gather: exact, and its gradient is gather's
        return logProbs.mul(m.create(picked, logProbs.getShape())).sum().div((float) -norm);
    }

    int classes(NDArray outputs, int[] labels) {
        if (outputs.getShape().dimension() != 2 || outputs.getShape().get(0) != labels.length) {
            throw new GraftException("the loss needs outputs of shape [" + labels.length + ", classes], got "
                    + outputs.getShape());
        }
        int c = (int) outputs.getShape().get(1);
        if (weight != null && weight.length != c) {
            throw new GraftException("the loss has " + weight.length + " class weights but the model outputs "
                    + c + " classes");
        }
        for (int y : labels) {
            if (y < 0 || y >= c) throw new GraftException("label " + y + " is out of range for " + c + " classes");
        }
        return c;
    }
}
