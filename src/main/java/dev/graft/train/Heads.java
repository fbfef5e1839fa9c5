package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.models.ModelSpec;
import dev.graft.nn.Dropout;
import dev.graft.nn.Linear;
import dev.graft.nn.LogSoftmax;
import dev.graft.nn.Module;
import dev.graft.nn.ReLU;
import dev.graft.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * New classifiers for a pretrained model, at the place its {@link ModelSpec} names
 * ({@code fc} for ResNet): the seeds' {@code model.fc = nn.Linear(num_ftrs, classes)}, or a
 * small MLP head such as {@code Linear(1024,500)-ReLU-Linear(500,2)-LogSoftmax}. Also loads
 * pretrained weights whose head was trained for another class count, dropping that head.
 */
public final class Heads {
    private Heads() {}

    /** Replaces the classifier with {@code Linear(spec.headInFeatures(), numClasses)} and returns it. */
    public static Linear replace(Module model, ModelSpec spec, int numClasses) {
        Linear head = new Linear(spec.headInFeatures(), numClasses);
        set(model, spec, head);
        return head;
    }

    /** Puts any module at the head location; it must take the pooled features. */
    public static Module set(Module model, ModelSpec spec, Module head) {
        Module old = model.replace(spec.headPath(), head);
        old.close();
        return head;
    }

    /**
     * {@code Linear(in, h1) - ReLU - [Dropout] - ... - Linear(hk, classes) [- LogSoftmax]}, in a
     * {@link Sequential} (keys {@code 0.weight}, ...). Dropout 0 adds no dropout layers; with
     * {@code logSoftmax} train it with {@link dev.graft.train.loss.NLLLoss}.
     */
    public static Sequential mlp(int in, int[] hidden, int classes, double dropout, boolean logSoftmax) {
        Sequential s = new Sequential();
        int width = in;
        for (int h : hidden) {
            s.add(new Linear(width, h)).add(new ReLU());
            if (dropout > 0) s.add(new Dropout(dropout));
            width = h;
        }
        s.add(new Linear(width, classes));
        if (logSoftmax) s.add(new LogSoftmax());
        return s;
    }

    /** What {@link #loadBackbone} did: keys dropped because the head differs, and a notice for the user. */
    public record Loaded(List<String> droppedKeys, String notice) {}

    /**
     * Loads a state dict into a model whose head may differ (other class count, custom head):
     * entries under the head path whose shapes or names do not fit are dropped with a notice;
     * everything else must match exactly.
     */
    public static Loaded loadBackbone(Module model, ModelSpec spec, Map<String, TensorData> state) {
        Map<String, TensorData> own = model.stateDict();
        LinkedHashMap<String, TensorData> kept = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        String prefix = spec.headPath() + ".";
        for (var e : state.entrySet()) {
            String k = e.getKey();
            TensorData mine = own.get(k);
            boolean fits = mine != null && Arrays.equals(mine.shape(), e.getValue().shape());
            if (k.startsWith(prefix) && !fits) dropped.add(k);
            else kept.put(k, e.getValue());
        }
        for (String k : own.keySet()) {
            if (k.startsWith(prefix) && !kept.containsKey(k)) kept.put(k, own.get(k));
        }
        if (kept.keySet().stream().noneMatch(k -> !k.startsWith(prefix))) {
            throw new GraftException("the weights share no layer with the model outside its head '" + spec.headPath() + "'");
        }
        model.loadStateDict(kept, true);
        String notice = dropped.isEmpty() ? "" : "The weights' head (" + String.join(", ", dropped)
                + ") does not fit this task and was replaced by a new one.";
        return new Loaded(dropped, notice);
    }
}
