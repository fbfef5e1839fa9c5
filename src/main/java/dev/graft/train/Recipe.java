package dev.graft.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.graft.GraftException;
import dev.graft.nn.Precision;
import java.util.List;

/**
 * Everything that defines a training run, as a plain immutable record: what data, which
 * model and weights, what is frozen, how it is optimised. The command line builds one, a
 * Java caller can too; it is stored in {@code run.json} and in every checkpoint, so
 * {@code --resume} continues with exactly the same recipe. Defaults are the seeds'
 * (SGD lr 0.001 momentum 0.9, StepLR 7 / 0.1) where measurement agreed.
 */
public record Recipe(
        String data,
        String arch,
        String weights,
        String strategy,
        String unfreezeFrom,
        String bn,
        double backboneLrMult,
        int freezeEpochs,
        String head,
        int epochs,
        int batchSize,
        int imageSize,
        String augment,
        String optimizer,
        double lr,
        double momentum,
        double weightDecay,
        String schedule,
        int stepSize,
        double gamma,
        int warmupEpochs,
        double labelSmoothing,
        int patience,
        long seed,
        int workers,
        double valSplit,
        int perClass,
        List<String> classes,
        boolean cacheFeatures,
        int cacheViews,
        String precision) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeNulls().create();

    /** The defaults for training {@code arch} on {@code data}. */
    public static Recipe defaults(String data, String arch) {
        return new Recipe(data, arch, "imagenet", "finetune", null, BnPolicy.AUTO, Strategy.DEFAULT_BACKBONE_LR_MULT, 0,
                "linear", 10, 16, 224, "standard", "sgd", 0.001, 0.9, 0, "step", 7, 0.1, 0, 0, 0, 0,
                Runtime.getRuntime().availableProcessors(), 0.2, 0, null, false, 0, "fp32");
    }

    /** A copy with one field changed, by its Java name: {@code recipe.with("arch", "resnet50")}. */
    public Recipe with(String field, Object value) {
        com.google.gson.JsonObject o = GSON.toJsonTree(this).getAsJsonObject();
        if (!o.has(field)) throw new IllegalArgumentException("no recipe field " + field);
        o.add(field, GSON.toJsonTree(value));
        return GSON.fromJson(o, Recipe.class);
    }

    /** True for mixed-precision bfloat16 training (see dev.graft.nn.Autocast). */
    public boolean bfloat16() { return Precision.parse(precision) == Precision.BF16; }

    public String toJson() { return GSON.toJson(this); }

    public static Recipe fromJson(String json) {
        try {
            return GSON.fromJson(json, Recipe.class);
        } catch (RuntimeException e) {
            throw new GraftException("the stored recipe is not readable: " + e.getMessage(), e);
        }
    }
}
