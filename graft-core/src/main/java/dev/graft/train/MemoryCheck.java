package dev.graft.train;

import dev.graft.models.ImageModel;
import dev.graft.nn.MemoryEstimate;
import dev.graft.train.optim.OptimizerKind;

/**
 * What a recipe will need in memory ({@link MemoryEstimate}), checked once the model is built
 * and before any image is read: with {@link Strategy#HEAD} only the head trains and the backbone
 * runs forward only; otherwise every parameter is counted as trainable. SGD with momentum keeps
 * one copy of the trainable weights as state, Adam and AdamW two.
 */
public final class MemoryCheck {
    private MemoryCheck() {}

    public static MemoryEstimate.Need need(Recipe r, ImageModel model) {
        boolean frozen = r.strategy() == Strategy.HEAD;
        long params = model.parameterCount();
        long trainable = frozen ? model.get(model.headPath()).parameterCount() : params;
        int copies = r.optimizer() == OptimizerKind.SGD ? (r.momentum() != 0 ? 1 : 0) : 2;
        return MemoryEstimate.training(r.arch(), params, trainable, copies, frozen, r.imageSize());
    }

    /** Refuses (one sentence naming a batch size that fits) a recipe that would not fit in memory. */
    public static void require(Recipe r, ImageModel model) {
        MemoryEstimate.require(need(r, model), r.batchSize(), r.imageSize());
    }
}
