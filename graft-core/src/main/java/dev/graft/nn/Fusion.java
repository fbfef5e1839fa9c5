package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inference-time rewrites of a model that give the same outputs with less work. {@link
 * #foldBatchNorm} folds every BatchNorm that normalises with its running statistics into the
 * convolution before it ({@code W' = W * g/sqrt(v+eps)}, {@code b' = (b - m) * g/sqrt(v+eps) +
 * beta}, computed in double), as {@code torch.fx}'s conv-bn fusion does: one pass over each
 * activation instead of two. The rewrite is in place and temporary: {@link Folded#close()}
 * puts the original layers back, so state dicts, training and parameter counts are untouched
 * once it is closed. While folded, the model must stay in eval mode.
 */
public final class Fusion {
    private Fusion() {}

    /** The folded state of a model; closing it restores the original layers. */
    public static final class Folded implements AutoCloseable {
        private final Module root;
        private final List<String[]> paths = new ArrayList<>(); // {convPath, bnPath}
        private final List<Module[]> originals = new ArrayList<>(); // {conv, bn}
        private boolean closed;

        private Folded(Module root) { this.root = root; }

        /** How many convolution + BatchNorm pairs were folded. */
        public int pairs() { return paths.size(); }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            for (int i = paths.size() - 1; i >= 0; i--) {
                Module fused = root.replace(paths.get(i)[0], originals.get(i)[0]);
                root.replace(paths.get(i)[1], originals.get(i)[1]);
                fused.close();
            }
        }
    }

    /**
     * Folds each {@link BatchNorm2d} that directly follows a {@link Conv2d} among the children of
     * one module (the torchvision layout: {@code conv1, bn1}, {@code Conv2dNormActivation}'s
     * {@code 0, 1}, DenseNet's {@code conv1, norm2}) and uses its running statistics (eval mode
     * or frozen statistics), replacing the convolution by a biased one and the norm by an
     * identity.
     */
    public static Folded foldBatchNorm(Module model) {
        Folded f = new Folded(model);
        List<String[]> pairs = new ArrayList<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            String prev = null;
            for (Map.Entry<String, Module> c : e.getValue().children().entrySet()) {
                if (prev != null && c.getValue() instanceof BatchNorm2d bn && !bn.usesBatchStatistics()
                        && e.getValue().children().get(prev) instanceof Conv2d conv && conv.getClass() == Conv2d.class
                        && conv.outChannels == bn.features) {
                    pairs.add(new String[] {Module.join(e.getKey(), prev), Module.join(e.getKey(), c.getKey())});
                }
                prev = c.getKey();
            }
        }
        for (String[] p : pairs) {
            Conv2d conv = (Conv2d) model.get(p[0]);
            BatchNorm2d bn = (BatchNorm2d) model.get(p[1]);
            Module fused = fold(conv, bn);
            fused.train(false);
            Module oldConv = model.replace(p[0], fused);
            Module oldBn = model.replace(p[1], new Identity());
            f.paths.add(p);
            f.originals.add(new Module[] {oldConv, oldBn});
        }
        return f;
    }

    private static Module fold(Conv2d conv, BatchNorm2d bn) {
        // Tensors.toFloats: DJL's toFloatArray leaves a copy of each channels-last weight in the root manager
        float[] w = Tensors.toFloats(conv.weight().array());
        float[] b = conv.bias() == null ? null : Tensors.toFloats(conv.bias().array());
        float[] gamma = Tensors.toFloats(bn.weight().array()), beta = Tensors.toFloats(bn.bias().array());
        float[] mean = Tensors.toFloats(bn.runningMean()), var = Tensors.toFloats(bn.runningVar());
        int out = conv.outChannels, per = w.length / out;
        float[] w2 = new float[w.length], b2 = new float[out];
        for (int c = 0; c < out; c++) {
            double scale = gamma[c] / Math.sqrt(var[c] + bn.eps);
            for (int i = 0; i < per; i++) w2[c * per + i] = (float) (w[c * per + i] * scale);
            b2[c] = (float) (((b == null ? 0 : b[c]) - (double) mean[c]) * scale + beta[c]);
        }
        Shape ws = conv.weight().array().getShape();
        return new FoldedConv2d(conv, Engine.root().create(w2, ws), Engine.root().create(b2, new Shape(out)));
    }

    /**
     * A convolution with folded BatchNorm weights, registered as frozen parameters (so casts
     * and {@link Module#close()} reach them); eval only.
     */
    static final class FoldedConv2d extends Module {
        private final Conv2d source;
        private final Parameter weight, bias;

        FoldedConv2d(Conv2d source, NDArray weight, NDArray bias) {
            this.source = source;
            this.weight = parameter("weight", weight);
            this.weight.setChannelsLast(source.weight().channelsLast());
            this.bias = parameter("bias", bias);
            this.weight.setTrainable(false);
            this.bias.setTrainable(false);
        }

        @Override
        public NDArray forward(NDArray x) {
            if (isTraining()) throw new IllegalStateException("a model with folded BatchNorm runs in eval mode only");
            long s = source.stride, p = source.padding, d = source.dilation;
            return F.conv2d(x, weight.array(), bias.array(), new long[] {s, s}, new long[] {p, p}, new long[] {d, d},
                    source.groups);
        }
    }
}
