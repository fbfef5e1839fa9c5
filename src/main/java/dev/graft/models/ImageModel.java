package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.F;
import dev.graft.nn.Module;

/**
 * A classification network split the way transfer learning needs it: the backbone up to the
 * pooled feature vector ({@link #forwardFeatures}, timm's {@code forward_features} plus
 * pooling), and the classifier on top ({@link #forwardHead}). A frozen backbone's features
 * can be computed once and cached; {@code forward = forwardHead(forwardFeatures(x))}.
 */
public abstract class ImageModel extends Module {
    /**
     * Pooled, flattened features: the input of the classifier module. The default is
     * torchvision's common layout, {@code flatten(avgpool(features(x)))}.
     */
    public NDArray forwardFeatures(NDArray x) {
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
