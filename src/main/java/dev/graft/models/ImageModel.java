package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.Module;

/**
 * A classification network split the way transfer learning needs it: the backbone up to the
 * pooled feature vector ({@link #forwardFeatures}, timm's {@code forward_features} plus
 * pooling), and the classifier on top ({@link #forwardHead}). A frozen backbone's features
 * can be computed once and cached; {@code forward = forwardHead(forwardFeatures(x))}.
 */
public abstract class ImageModel extends Module {
    /** Pooled, flattened features: the input of the classifier module. */
    public abstract NDArray forwardFeatures(NDArray x);

    /** The classifier module on pooled features. */
    public abstract NDArray forwardHead(NDArray features);

    @Override
    public NDArray forward(NDArray x) {
        return forwardHead(forwardFeatures(x));
    }
}
