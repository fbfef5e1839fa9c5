package dev.graft.models;

import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.io.WeightCache;
import dev.graft.io.WeightFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.graft.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a model of the zoo with weights from wherever the user has them: {@code none}
 * (random init), {@code imagenet} or a tag such as {@code IMAGENET1K_V2} (torchvision's
 * published file, from the PyTorch cache or downloaded into it), a {@code .pth} or
 * {@code .safetensors} file, or a Graft run directory. When the checkpoint's classifier
 * has another number of classes than asked for, it is dropped with a notice and the new
 * head keeps its fresh initialisation: that is transfer learning's first step.
 */
public final class Pretrained {
    private Pretrained() {}

    /** The weights argument for a random initialisation (whether to load weights is the training strategy's call). */
    public static final String NO_WEIGHTS = "none";

    /** A model, what its weights were, and (for published or saved weights) its classes and preset. */
    public record Loaded(ImageModel model, ModelSpec spec, String source, WeightsSpec weights,
                         List<String> classes, boolean headReplaced) {}

    /**
     * @param targetClasses classes of the new task; the checkpoint's classifier is kept only when
     *                      it was trained for the same classes (same names where it knows them).
     *                      Null keeps the checkpoint's own classifier.
     * @param notice        receives one line when a head is dropped
     */
    public static Loaded load(String arch, String weightsArg, List<String> targetClasses, boolean progress,
                              java.util.function.Consumer<String> notice) {
        int numClasses = targetClasses == null ? 0 : targetClasses.size();
        ModelSpec spec = Zoo.get(arch);
        String arg = weightsArg == null ? NO_WEIGHTS : weightsArg;
        if (arg.equalsIgnoreCase(NO_WEIGHTS)) {
            return new Loaded(spec.build(numClasses > 0 ? numClasses : 1000), spec, "none", null, null, numClasses > 0);
        }
        WeightsSpec published = arg.equalsIgnoreCase("imagenet") || arg.equalsIgnoreCase("default")
                ? spec.defaultWeights() : spec.weights(arg);
        Map<String, TensorData> state;
        String source;
        List<String> classes = null;
        if (published != null) {
            Path file;
            try {
                file = WeightCache.standard().fetch(published.url(), published.fileName(), null, progress);
            } catch (GraftException e) {
                throw new GraftException(e.getMessage().replaceAll("\\.$", "") + ", run 'graft weights fetch "
                        + published.name() + "' when online, or use --weights none.", e);
            }
            state = readState(spec, file);
            source = published.name();
            classes = Zoo.imagenetClasses();
        } else {
            Path p = Path.of(arg);
            requireFound(arch, arg);
            if (Files.isDirectory(p)) {
                SavedModel saved = SavedModel.read(p);
                if (!saved.arch().equals(spec.name())) {
                    throw new GraftException("the run " + p + " holds a " + saved.arch() + ", not a " + arch + ".");
                }
                state = readState(spec, saved.weightsFile());
                classes = saved.classes();
            } else {
                state = readState(spec, p);
            }
            source = p.toString();
        }
        return fit(spec, state, targetClasses, source, published, classes, notice);
    }

    /**
     * Fails with one sentence, before anything is read or downloaded, when {@code weightsArg}
     * is neither none, imagenet, a weights tag of {@code arch} nor an existing file or run directory.
     */
    public static void requireFound(String arch, String weightsArg) {
        String arg = weightsArg == null ? NO_WEIGHTS : weightsArg;
        if (arg.equalsIgnoreCase(NO_WEIGHTS) || arg.equalsIgnoreCase("imagenet") || arg.equalsIgnoreCase("default")
                || Zoo.get(arch).weights(arg) != null) {
            return;
        }
        if (!Files.exists(Path.of(arg))) {
            throw new GraftException("--weights '" + arg + "' is neither none, imagenet, a weights tag of " + arch
                    + " nor an existing file or run directory.");
        }
    }

    /** The file's state dict, its keys checked against the architecture before any tensor data is read. */
    static Map<String, TensorData> readState(ModelSpec spec, Path file) {
        Map<String, TensorData> state = spec.adaptStateDict(WeightFiles.read(file));
        WeightsCheck.checkKeys(spec.name(), state, file.toString());
        return state;
    }

    private static Loaded fit(ModelSpec spec, Map<String, TensorData> state, List<String> target, String source,
                              WeightsSpec published, List<String> classes, java.util.function.Consumer<String> notice) {
        int fileClasses = classesIn(spec, state);
        int want = target != null ? target.size() : fileClasses;
        ImageModel model = spec.build(want);
        boolean otherClasses = fileClasses != want || (target != null && classes != null && !classes.equals(target));
        Map<String, TensorData> reordered = otherClasses ? reorderedHead(spec, state, classes, target) : null;
        if (reordered != null) {
            notice.accept("the classifier of " + source + " was trained for the same classes in another order: its"
                    + " outputs are put in this data's order and kept.");
            state = reordered;
            otherClasses = false;
            classes = target;
        }
        Backbone b = loadBackbone(model, spec, state, otherClasses);
        if (!b.droppedKeys().isEmpty()) {
            notice.accept("the classifier of " + source + " was trained for " + fileClasses + " other classes: it is"
                    + " replaced by a new one for " + want + " classes, the rest of the weights are kept.");
        }
        return new Loaded(model, spec, source, published, otherClasses ? null : classes, otherClasses);
    }

    /**
     * The state with a single-Linear classifier's rows put in {@code target}'s order, when the
     * checkpoint was trained for the same class names in another order; null otherwise (other
     * classes, unknown names, or a head of more than one layer).
     */
    static Map<String, TensorData> reorderedHead(ModelSpec spec, Map<String, TensorData> state, List<String> classes,
                                                 List<String> target) {
        if (classes == null || target == null || classes.size() != target.size()
                || !new java.util.HashSet<>(classes).equals(new java.util.HashSet<>(target))) {
            return null; // the data's names are distinct, so equal sets of equal size are a reordering
        }
        String w = spec.headPath() + ".weight", b = spec.headPath() + ".bias";
        for (String k : state.keySet()) if (under(k, spec.headPath()) && !k.equals(w) && !k.equals(b)) return null;
        TensorData weight = state.get(w);
        if (weight == null || weight.shape().length != 2 || weight.shape()[0] != classes.size()) return null;
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>(state);
        for (String k : new String[] {w, b}) {
            TensorData t = state.get(k);
            if (t == null) continue;
            float[] from = t.toFloats(), to = new float[from.length];
            int row = from.length / classes.size();
            for (int i = 0; i < target.size(); i++) {
                System.arraycopy(from, classes.indexOf(target.get(i)) * row, to, i * row, row);
            }
            out.put(k, TensorData.ofFloats(t.shape(), to));
        }
        return out;
    }

    /** What {@link #loadBackbone} did: the checkpoint's head entries it left out. */
    public record Backbone(List<String> droppedKeys) {}

    /**
     * Loads a state dict into a model whose head may differ: entries under the head path are
     * dropped when {@code dropHead} or when their shapes do not fit (the model keeps its fresh
     * head); everything else must match exactly, with the usual key/shape error otherwise.
     */
    public static Backbone loadBackbone(Module model, ModelSpec spec, Map<String, TensorData> state, boolean dropHead) {
        Map<String, TensorData> own = model.stateDict();
        LinkedHashMap<String, TensorData> kept = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        for (var e : state.entrySet()) {
            String k = e.getKey();
            TensorData mine = own.get(k);
            boolean fits = mine != null && Arrays.equals(mine.shape(), e.getValue().shape());
            if (under(k, spec.headPath()) && (dropHead || !fits)) dropped.add(k);
            else kept.put(k, e.getValue());
        }
        own.forEach((k, v) -> {
            if (under(k, spec.headPath())) kept.putIfAbsent(k, v);
        });
        if (kept.keySet().stream().allMatch(k -> under(k, spec.headPath()))) {
            throw new GraftException("the weights share no layer with " + spec.name() + " outside its head '"
                    + spec.headPath() + "'.");
        }
        model.loadStateDict(kept, true);
        return new Backbone(dropped);
    }

    /** Number of outputs of the checkpoint's final classifier layer (rows of its last weight). */
    static int classesIn(ModelSpec spec, Map<String, TensorData> state) {
        String last = null;
        for (String k : state.keySet()) {
            if (under(k, spec.headPath()) && k.endsWith(".weight")) last = k;
        }
        if (last == null) {
            throw new GraftException("the weights have no classifier at '" + spec.headPath() + "': are they for "
                    + spec.name() + "?");
        }
        return (int) state.get(last).shape()[0];
    }

    private static boolean under(String key, String prefix) {
        return key.equals(prefix) || key.startsWith(prefix + ".");
    }
}
