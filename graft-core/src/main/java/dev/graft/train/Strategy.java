package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.models.ModelSpec;
import dev.graft.models.Pretrained;
import dev.graft.nn.Module;
import dev.graft.nn.Parameter;
import dev.graft.train.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What trains (the {@code --strategy} option). {@code HEAD}: everything frozen but the new
 * head (the seeds' feature extraction). {@code FINETUNE}: all layers train, the backbone at
 * {@code lr * backboneLrMult}. {@code PARTIAL}: the layer groups before {@code unfreezeFrom}
 * (e.g. {@code layer4}) stay frozen. {@code SCRATCH}: all layers train from a random
 * initialisation. The strategy alone decides whether pretrained weights are loaded
 * ({@link #pretrained}, {@link #weights}, {@link #implied}). Freezing works on the model's
 * named layer groups ({@link ModelSpec#groups()}); the BatchNorm policy is applied after.
 */
public enum Strategy {
    HEAD, FINETUNE, PARTIAL, SCRATCH;

    /**
     * Graft's default backbone learning-rate multiplier for {@code FINETUNE}/{@code PARTIAL}:
     * 0.1, the backbone moves ten times slower than the new head (fastai's discriminative
     * rates; with the default lr 0.001 the backbone trains at 1e-4). Measured with the
     * default BatchNorm policy for fine-tuning ({@code EVAL}; bench/transfer-defaults.md,
     * ResNet-18, 10 images per class, 3 seeds, 5 target classes): multiplier 0.1 reached
     * 0.69 target accuracy, 1 diverged at lr 0.01 and reached 0.67 at lr 0.001. (With batch
     * statistics both collapsed: 0.30 with 1, 0.34 with 0.1.) For partial layer4 1 and 0.1
     * were within noise (0.68 and 0.65 over 5 seeds).
     */
    public static final double DEFAULT_BACKBONE_LR_MULT = 0.1;

    /** Whether this strategy starts from pretrained weights: all but {@code SCRATCH}. */
    public boolean pretrained() { return this != SCRATCH; }

    /** The weights this strategy loads when {@code requested} were asked for: none for {@code SCRATCH}. */
    public String weights(String requested) { return pretrained() ? requested : Pretrained.NO_WEIGHTS; }

    /** The strategy when none was given: {@code SCRATCH} for no weights, else {@code otherwise}. */
    public static Strategy implied(String weights, Strategy otherwise) {
        return Pretrained.NO_WEIGHTS.equalsIgnoreCase(weights) ? SCRATCH : otherwise;
    }

    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }

    /**
     * Freezes and unfreezes the model's parameters for this strategy and applies the
     * BatchNorm policy. {@code unfreezeFrom} names the first trainable group for
     * {@code PARTIAL} and is ignored otherwise.
     */
    public void apply(Module model, ModelSpec spec, String unfreezeFrom, BnPolicy bn) {
        switch (this) {
            case HEAD -> {
                model.freeze("");
                for (String p : headGroup(spec)) model.unfreeze(p);
            }
            case FINETUNE, SCRATCH -> model.unfreeze("");
            case PARTIAL -> {
                if (unfreezeFrom == null || unfreezeFrom.isBlank()) {
                    throw new GraftException("the partial strategy needs --unfreeze-from GROUP; groups are "
                            + String.join(", ", spec.groups().keySet()));
                }
                spec.group(unfreezeFrom);
                model.freeze("");
                boolean on = false;
                for (var e : spec.groups().entrySet()) {
                    on |= e.getKey().equals(unfreezeFrom);
                    if (on) for (String p : e.getValue()) model.unfreeze(p);
                }
            }
        }
        bn.apply(model);
    }

    /**
     * Parameter groups for the optimizer: the head at {@code lr}, the backbone at
     * {@code lr * backboneLrMult} for {@code FINETUNE} and {@code PARTIAL} (at {@code lr}
     * otherwise). Every parameter is included, frozen ones too (they are skipped while
     * frozen), so a staged fine-tune can unfreeze without a new optimizer.
     */
    public List<ParamGroup> paramGroups(Module model, ModelSpec spec, double lr, double backboneLrMult) {
        Map<String, Parameter> head = new LinkedHashMap<>(), backbone = new LinkedHashMap<>();
        List<String> headPrefixes = headGroup(spec);
        model.namedParameters().forEach((name, p) -> {
            boolean isHead = headPrefixes.stream().anyMatch(h -> name.equals(h) || name.startsWith(h + "."));
            (isHead ? head : backbone).put(name, p);
        });
        double mult = this == FINETUNE || this == PARTIAL ? backboneLrMult : 1.0;
        List<ParamGroup> groups = new ArrayList<>();
        if (!backbone.isEmpty()) groups.add(ParamGroup.of(backbone, lr * mult));
        groups.add(ParamGroup.of(head, lr));
        return groups;
    }

    private static List<String> headGroup(ModelSpec spec) { return spec.group(ModelSpec.HEAD_GROUP); }
}
