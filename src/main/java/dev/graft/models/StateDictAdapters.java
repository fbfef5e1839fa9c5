package dev.graft.models;

import dev.graft.io.TensorData;
import java.util.Map;

/**
 * Fixes applied to a state dict before it is loaded into an architecture, so published files
 * load as they are. Today: DenseNet's pre-0.4 key names ({@code denselayer1.norm.1.weight}),
 * as torchvision's own DenseNet loader does. (Missing {@code num_batches_tracked} is handled
 * by {@code Module.loadStateDict}.) Files with current keys pass through unchanged.
 */
public final class StateDictAdapters {
    private StateDictAdapters() {}

    /** The state dict with the fixes for {@code arch} applied; the input when none apply. */
    public static Map<String, TensorData> adapt(String arch, Map<String, TensorData> state) {
        if (arch.startsWith("densenet")) return DenseNet.remapLegacyKeys(state);
        return state;
    }
}
