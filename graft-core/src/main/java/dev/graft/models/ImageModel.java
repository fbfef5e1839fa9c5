package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.Bfloat16;
import dev.graft.nn.Conv2d;
import dev.graft.nn.F;
import dev.graft.nn.Fusion;
import dev.graft.nn.Module;
import dev.graft.nn.ScriptOps;
import dev.graft.nn.Tensors;

/**
 * A classification network split the way transfer learning needs it: the backbone up to the
 * pooled feature vector ({@link #forwardFeatures}, timm's {@code forward_features} plus
 * pooling), and the classifier on top ({@link #forwardHead}). A frozen backbone's features
 * can be computed once and cached; {@code forward = forwardHead(forwardFeatures(x))}. The
 * model says where its classifier layer sits ({@link #headPath}) and how many inputs that
 * layer takes ({@link #numFeatures}), so a new head is put in by asking it ({@link #replaceHead}).
 */
public abstract class ImageModel extends Module {
    private boolean channelsLast = true;
    private boolean bfloat16Inference;
    private boolean bfloat16; // weights are bfloat16 copies now (inside inference())

    /**
     * Whether the network runs on channels-last activations ({@code torch.channels_last}, the
     * default) or PyTorch's default NCHW layout. Same numbers either way (to float rounding);
     * libtorch's oneDNN convolutions and its BatchNorm, pooling and elementwise kernels run
     * 1.2-1.7x faster on channels-last data on CPU (bench/RESULTS.md).
     */
    public void setChannelsLast(boolean on) {
        channelsLast = on;
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d conv) conv.weight().setChannelsLast(on);
        }
    }

    public boolean channelsLast() { return channelsLast; }

    /**
     * Whether inference ({@link #inference}: evaluation, prediction, the feature cache) runs in
     * bfloat16 rather than float32: about twice as fast on CPUs with AVX-512 BF16, logits within
     * about 1e-2 relative (bench/RESULTS.md measures the accuracy effect). Training has its own
     * switch ({@link dev.graft.nn.Autocast}, {@code graft train --precision bf16}).
     */
    public void setBfloat16Inference(boolean on) { bfloat16Inference = on; }

    public boolean bfloat16Inference() { return bfloat16Inference; }

    /**
     * Readies a model for inference until the returned handle is closed: eval-mode BatchNorm
     * folded into the convolutions and, for an ImageModel set to, a bfloat16 copy of every
     * weight. Closing puts the original layers and float32 weights back.
     */
    public static Inference inference(Module model) {
        Fusion.Folded folded = Fusion.foldBatchNorm(model);
        if (!(model instanceof ImageModel m) || !m.bfloat16Inference) return folded::close;
        Bfloat16 cast = Bfloat16.cast(m);
        m.bfloat16 = true;
        return () -> {
            m.bfloat16 = false;
            cast.close();
            folded.close();
        };
    }

    /** What {@link #inference} changed, undone by closing. */
    public interface Inference extends AutoCloseable {
        @Override
        void close();
    }

    /** Pooled, flattened features of a [N, 3, H, W] batch: the input of the classifier. */
    public final NDArray forwardFeatures(NDArray x) {
        if (channelsLast) x = Tensors.channelsLast(x);
        return F.float32(pooledFeatures(bfloat16 ? ScriptOps.toBfloat16(x) : x));
    }

    /**
     * The backbone up to the pooled feature vector. The default is torchvision's common layout,
     * {@code flatten(avgpool(features(x)))}.
     */
    protected NDArray pooledFeatures(NDArray x) {
        return F.flatten(call("avgpool", call("features", x)));
    }

    /** The classifier on pooled features; outputs leave the model as float32, whatever precision it ran in. */
    public final NDArray forwardHead(NDArray features) {
        return F.float32(head(bfloat16 ? ScriptOps.toBfloat16(features) : features));
    }

    /** The classifier module (default: the child {@code classifier}). */
    protected NDArray head(NDArray features) {
        return call("classifier", features);
    }

    /**
     * The module path of the classifier layer a new head replaces ({@code fc} for ResNet,
     * {@code classifier.6} for VGG), the one path of its zoo entry's {@code head} group.
     */
    public abstract String headPath();

    /**
     * Inputs of the head at {@link #headPath}, torchvision's {@code num_ftrs}: the pooled
     * features for ResNet (512 for ResNet-18), the last hidden classifier layer for VGG (4096).
     */
    public abstract int numFeatures();

    /** Puts {@code head} (taking {@link #numFeatures} inputs) at {@link #headPath}, closing the old one. */
    public <M extends Module> M replaceHead(M head) {
        replace(headPath(), head).close();
        return head;
    }

    @Override
    public NDArray forward(NDArray x) {
        return forwardHead(forwardFeatures(x));
    }
}
