package dev.graft.train;

import dev.graft.io.TensorData;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Pretrained;
import dev.graft.nn.Linear;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import dev.graft.nn.Sequential;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * New classifiers for a pretrained model, at the place the model names
 * ({@link ImageModel#headPath}, {@code fc} for ResNet): the seeds' {@code model.fc = nn.Linear(num_ftrs, classes)}, or a
 * small MLP head such as {@code Linear(1024,500)-ReLU-Linear(500,2)-LogSoftmax}. Also loads
 * pretrained weights whose head was trained for another class count, dropping that head.
 */
public final class Heads {
    private Heads() {}

    /** Replaces the classifier with {@code Linear(model.numFeatures(), numClasses)} and returns it. */
    public static Linear replace(ImageModel model, int numClasses) {
        return model.replaceHead(new Linear(model.numFeatures(), numClasses));
    }

    /** Puts any module at the head location; it must take the pooled features. */
    public static Module set(ImageModel model, Module head) { return model.replaceHead(head); }

    /**
     * {@code Linear(in, h1) - ReLU - [Dropout] - ... - Linear(hk, classes) [- LogSoftmax]}, in a
     * {@link Sequential} (keys {@code 0.weight}, ...). Dropout 0 adds no dropout layers; with
     * {@code logSoftmax} train it with {@link dev.graft.train.loss.NLLLoss}.
     */
    public static Sequential mlp(int in, int[] hidden, int classes, double dropout, boolean logSoftmax) {
        Module head = new HeadSpec(Arrays.stream(hidden).boxed().toList(), dropout, logSoftmax).build(in, classes);
        return head instanceof Sequential s ? s : new Sequential(head);
    }

    /** Whether a model loaded with {@code head} gets a new head: the weights' own did not fit the classes, or an MLP is built. */
    public static boolean isNew(Pretrained.Loaded loaded, HeadSpec head) { return loaded.headReplaced() || !head.isLinear(); }

    /**
     * The recipe's head on a model just loaded for {@code classes}: its MLP when it names one, and
     * its last layer at zero when the recipe asks for that ({@link Recipe#zeroHead}) and the head
     * is new ({@link #isNew}).
     */
    public static void forRecipe(ImageModel model, Recipe r, int classes, boolean isNew) {
        if (!r.head().isLinear()) set(model, r.head().build(model.numFeatures(), classes));
        if (r.zeroHead() && isNew) zeroLast(model);
    }

    /**
     * Sets the last {@code Linear} of the model's head to zero (weight and bias): a new head that
     * starts at zero gives every class the same score, so the first gradient steps train the head
     * and leave the pretrained features alone (BiT's zero-initialised head).
     */
    public static void zeroLast(ImageModel model) {
        Linear last = null;
        for (Module m : model.get(model.headPath()).namedModules().values()) if (m instanceof Linear l) last = l;
        if (last == null) throw new IllegalStateException("the head at " + model.headPath() + " has no Linear layer");
        for (Parameter p : new Parameter[] {last.weight(), last.bias()}) {
            if (p != null) p.set(p.array().zerosLike());
        }
    }

    /** What {@link #loadBackbone} did: keys dropped because the head differs, and a notice for the user. */
    public record Loaded(List<String> droppedKeys, String notice) {}

    /**
     * Loads a state dict into a model whose head may differ (other class count, custom head):
     * entries under the head path whose shapes do not fit are dropped with a notice;
     * everything else must match exactly.
     */
    public static Loaded loadBackbone(Module model, ModelSpec spec, Map<String, TensorData> state) {
        List<String> dropped = Pretrained.loadBackbone(model, spec, state, false).droppedKeys();
        String notice = dropped.isEmpty() ? "" : "The weights' head (" + String.join(", ", dropped)
                + ") does not fit this task and was replaced by a new one.";
        return new Loaded(dropped, notice);
    }
}
