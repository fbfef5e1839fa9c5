package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * {@code nn.Conv2d} with square kernel, stride, padding and dilation, groups and optional bias.
 * The weight is kept in channels-last memory layout, as the activations are (see
 * {@code ImageModel.setChannelsLast} in models).
 */
public class Conv2d extends Module {
    public final int inChannels, outChannels, kernel, stride, padding, dilation, groups;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        this.inChannels = in;
        this.outChannels = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        Shape w = new Shape(out, in / groups, kernel, kernel);
        this.weight = parameter("weight", Init.defaultWeight(w));
        this.weight.setChannelsLast(true);
        this.bias = bias ? parameter("bias", Init.defaultBias(w, out)) : null;
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this(in, out, kernel, stride, padding, 1, 1, bias);
    }

    public Conv2d(int in, int out, int kernel) {
        this(in, out, kernel, 1, 0, 1, 1, true);
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    @Override
    public NDArray forward(NDArray x) {
        return F.conv2d(x, weight.array(), bias == null ? null : bias.array(),
                new long[] {stride, stride}, new long[] {padding, padding}, new long[] {dilation, dilation}, groups);
    }
}
