package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.Conv2d;
import dev.graft.nn.F;
import dev.graft.nn.Module;
import dev.graft.nn.Tensors;

/**
 * A classification network split the way transfer learning needs it: the backbone up to the
 * pooled feature vector ({@link #forwardFeatures}, timm's {@code forward_features} plus
 * pooling), and the classifier on top ({@link #forwardHead}). A frozen backbone's features
 * can be computed once and cached; {@code forward = forwardHead(forwardFeatures(x))}.
 */
public abstract class ImageModel extends Module {
    private boolean channelsLast = true;

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

    /** Pooled, flattened features of a [N, 3, H, W] batch: the input of the classifier. */
    public final NDArray forwardFeatures(NDArray x) {
        return pooledFeatures(channelsLast ? Tensors.channelsLast(x) : x);
    }

    /**
     * The backbone up to the pooled feature vector. The default is torchvision's common layout,
     * {@code flatten(avgpool(features(x)))}.
     */
    protected NDArray pooledFeatures(NDArray x) {
        return F.flatten(call("avgpool", call("features", x)));
    }

    /** The classifier module on pooled features (default: the child {@code classifier}). */
    public NDArray forwardHead(NDArray features) {
        return call("classifier", features);
    }

    @Override
    public NDArray forward(NDArray x) {
        return forwardHead(forwardFeatures(x));
    }
}
