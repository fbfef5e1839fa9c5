package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code nn.Linear}: y = x W^T + b, PyTorch's default initialisation. */
public class Linear extends Module {
    public final int inFeatures, outFeatures;
    private final Parameter weight, bias;

    public Linear(int in, int out, boolean bias) {
        this.inFeatures = in;
        this.outFeatures = out;
        Shape w = new Shape(out, in);
        weight = parameter("weight", Init.defaultWeight(w));
        this.bias = bias ? parameter("bias", Init.defaultBias(w, out)) : null;
    }

    public Linear(int in, int out) { this(in, out, true); }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    @Override
    public NDArray forward(NDArray x) {
        return F.linear(x, weight.array(), bias == null ? null : bias.array());
    }
}
