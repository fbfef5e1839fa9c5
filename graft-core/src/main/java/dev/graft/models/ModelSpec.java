package dev.graft.models;

import dev.graft.GraftException;
import dev.graft.io.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * One architecture of the zoo as its family's file declares it (like torchvision's
 * {@code resnet18} with {@code ResNet18_Weights}): how to build it for a number of classes,
 * its parameter count at 1000 classes, the named layer groups used for freezing and
 * per-group learning rates (input to output, the last one, {@code head}, holding the
 * classifier a new head replaces), its published weights (the last is the default,
 * torchvision's {@code DEFAULT}) and any fix its published files need before loading.
 * Built with named setters: {@code ModelSpec.builder("resnet18", ResNet::resnet18).groups(...)...}.
 */
public record ModelSpec(
        String name,
        IntFunction<ImageModel> builder,
        LinkedHashMap<String, List<String>> groups,
        List<WeightsSpec> weights,
        long parameters,
        UnaryOperator<Map<String, TensorData>> stateDictAdapter) {

    /** The name of the last layer group, the classifier. */
    public static final String HEAD_GROUP = "head";

    public ModelSpec {
        List<String> names = groups == null ? List.of() : new ArrayList<>(groups.keySet());
        if (names.isEmpty() || !names.get(names.size() - 1).equals(HEAD_GROUP)
                || groups.get(HEAD_GROUP).size() != 1 || parameters <= 0 || weights.isEmpty()) {
            throw new IllegalStateException(name + " needs groups ending with one head path, parameters and weights");
        }
        weights = List.copyOf(weights);
    }

    public ImageModel build(int numClasses) { return builder.apply(numClasses); }

    /**
     * The module path of the classifier a new head replaces (the one path of the {@code head}
     * group); the built model answers the same ({@link ImageModel#headPath()}).
     */
    public String headPath() { return groups.get(HEAD_GROUP).get(0); }

    /**
     * A state dict as this architecture's loader needs it (DenseNet's legacy keys renamed);
     * call it on every file before {@code loadStateDict}. Files with current keys pass unchanged.
     */
    public Map<String, TensorData> adaptStateDict(Map<String, TensorData> state) {
        return stateDictAdapter.apply(state);
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
            throw new GraftException("unknown layer group '" + name + "' for " + this.name
                    + "; groups are " + String.join(", ", groups.keySet()) + ".");
        }
        return g;
    }

    public static Builder builder(String name, IntFunction<ImageModel> build) { return new Builder(name, build); }

    /** Named fields of one architecture's entry. */
    public static final class Builder {
        private final String name;
        private final IntFunction<ImageModel> build;
        private LinkedHashMap<String, List<String>> groups;
        private final List<WeightsSpec> weights = new ArrayList<>();
        private long parameters;
        private UnaryOperator<Map<String, TensorData>> adapter = UnaryOperator.identity();

        private Builder(String name, IntFunction<ImageModel> build) {
            this.name = name;
            this.build = build;
        }

        /** Layer groups in input-to-output order, ending with {@code head} = the one classifier path. */
        public Builder groups(LinkedHashMap<String, List<String>> g) { groups = g; return this; }

        /** Parameters with the 1000-class ImageNet head, as torchvision's {@code num_params}. */
        public Builder parameters(long n) { parameters = n; return this; }

        /** Published weights, oldest first: the last is the default. */
        public Builder weights(WeightsSpec.Builder... published) {
            for (WeightsSpec.Builder w : published) weights.add(w.build(name));
            return this;
        }

        /** A fix applied to every state dict before it is loaded (default: none). */
        public Builder stateDictAdapter(UnaryOperator<Map<String, TensorData>> a) { adapter = a; return this; }

        public ModelSpec build() { return new ModelSpec(name, build, groups, weights, parameters, adapter); }
    }
}
