package dev.graft.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What Graft knows about an architecture besides its code: how to build it for a number of
 * classes, where its classifier sits (the module path a new head replaces) and its input
 * width, the named layer groups used for freezing and per-group learning rates (in input to
 * output order, the last one being the head), and its published weights (the first is the
 * default, torchvision's {@code DEFAULT}).
 */
public record ModelSpec(
        String name,
        IntFunction<ImageModel> builder,
        String headPath,
        int headInFeatures,
        LinkedHashMap<String, List<String>> groups,
        List<WeightsSpec> weights,
        long parameters) {

    public ImageModel build(int numClasses) { return builder.apply(numClasses); }

    /**
     * A state dict as this architecture's loader needs it (legacy DenseNet keys renamed);
     * call it on every file before {@code loadStateDict}. See {@link StateDictAdapters}.
     */
    public java.util.Map<String, dev.graft.io.TensorData> adaptStateDict(
            java.util.Map<String, dev.graft.io.TensorData> state) {
        return StateDictAdapters.adapt(name, state);
    }

    public WeightsSpec defaultWeights() { return weights.get(weights.size() - 1); }

    public WeightsSpec weights(String tag) {
        for (WeightsSpec w : weights) if (w.tag().equalsIgnoreCase(tag) || w.name().equalsIgnoreCase(tag)) return w;
        return null;
    }

    /** The module-path prefixes of one layer group, e.g. {@code layer4}. */
    public List<String> group(String name) {
        List<String> g = groups.get(name);
        if (g == null) {
            throw new dev.graft.GraftException("unknown layer group '" + name + "' for " + this.name
                    + "; groups are " + String.join(", ", groups.keySet()));
        }
        return g;
    }
}
