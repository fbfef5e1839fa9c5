package dev.graft.models;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.graft.GraftException;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.io.AtomicFiles;
import dev.graft.io.JsonFields;
import dev.graft.io.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model as a run directory holds it: {@code model.safetensors} (the full state dict
 * with torchvision keys) and {@code model.json} (architecture, class names, inference preset,
 * head, source weights). Everything needed to predict, in Java or in PyTorch. A model with a
 * NaN or infinite weight (a diverged training) is never written, and refused when read.
 */
public record SavedModel(Path dir, String arch, List<String> classes, Preset preset, HeadSpec head, String sourceWeights) {
    public static final String WEIGHTS = "model.safetensors";
    public static final String META = "model.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public Path weightsFile() { return dir.resolve(WEIGHTS); }

    /** Builds the model and loads its weights (strict); weights with NaN or infinity are refused. */
    public ImageModel load() {
        ImageModel model = Zoo.get(arch).build(classes.size());
        if (!head.isLinear()) model.replaceHead(head.build(model.numFeatures(), classes.size()));
        model.loadStateDict(Safetensors.read(weightsFile()), true);
        List<String> bad = model.nonFiniteTensors();
        if (!bad.isEmpty()) {
            model.close();
            throw new GraftException(weightsFile() + " cannot make predictions: " + bad.size()
                    + " of its tensors hold NaN or infinity (e.g. " + bad.get(0)
                    + "), so the training that wrote it diverged; train again with a lower --lr.");
        }
        model.eval();
        return model;
    }

    /**
     * {@link #load()} for inference in batches of {@code batchSize}: refuses first, in one sentence
     * naming a batch size that fits, a batch the memory cannot hold ({@link dev.graft.nn.MemoryEstimate}).
     */
    public ImageModel load(int batchSize) {
        dev.graft.nn.MemoryEstimate.require(dev.graft.nn.MemoryEstimate.inference(arch, preset.crop()), batchSize,
                preset.crop());
        return load();
    }

    /** Refuses (one sentence) to write {@code file} from a model holding a NaN or an infinity. */
    public static void requireFinite(dev.graft.nn.Module model, Path file) {
        List<String> bad = model.nonFiniteTensors();
        if (!bad.isEmpty()) {
            throw new GraftException("not writing " + file + ": " + bad.size() + " of the model's tensors hold NaN or"
                    + " infinity (e.g. " + bad.get(0) + "), so the training diverged; try a lower --lr.");
        }
    }

    /** Writes model.safetensors and model.json atomically into {@code dir}. */
    public static SavedModel write(Path dir, ImageModel model, String arch, List<String> classes, Preset preset,
                                   HeadSpec head, String sourceWeights) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new GraftException("cannot create " + dir + ": " + GraftException.reason(e), e);
        }
        requireFinite(model, dir.resolve(WEIGHTS));
        Map<String, String> meta = Map.of("format", "pt", "arch", arch);
        Safetensors.write(dir.resolve(WEIGHTS), model.stateDict(), meta);
        SavedModel saved = new SavedModel(dir, arch, List.copyOf(classes), preset, head, sourceWeights);
        try {
            byte[] json = GSON.toJson(saved.toJson()).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(dir.resolve(META), json);
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve(META) + ": " + GraftException.reason(e), e);
        }
        return saved;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("resize", preset.resize());
        p.put("crop", preset.crop());
        p.put("interpolation", preset.interpolation().name().toLowerCase(java.util.Locale.ROOT));
        p.put("mean", preset.mean());
        p.put("std", preset.std());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", arch);
        m.put("classes", classes);
        m.put("preset", p);
        m.put("head", head.toString());
        m.put("source_weights", sourceWeights);
        return m;
    }

    /** The inference preset as {@link #toJson} writes it under {@code "preset"}. */
    public static Preset presetFromJson(String where, JsonObject p) {
        return preset(where, JsonFields.of(where, p));
    }

    private static Preset preset(Object where, JsonFields p) {
        int max = Preset.MAX_SIZE;
        Interpolation interpolation;
        try {
            interpolation = Interpolation.parse(p.string("interpolation"));
        } catch (GraftException e) {
            throw new GraftException(where + ": " + e.getMessage() + ".", e);
        }
        return new Preset(p.integer("resize", 1, max), p.integer("crop", 1, max), interpolation,
                p.numbers("mean", 3, false), p.numbers("std", 3, true));
    }

    /** Reads a run directory (or the model.json inside it). */
    public static SavedModel read(Path path) {
        if (!Files.exists(path)) {
            throw new GraftException(path + " does not exist; expected a Graft run directory with " + META + " and "
                    + WEIGHTS + " in it.");
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path meta = dir.resolve(META);
        if (!Files.isRegularFile(meta) || !Files.isRegularFile(dir.resolve(WEIGHTS))) {
            throw new GraftException(path + " is not a Graft model: expected " + META + " and " + WEIGHTS + " in it.");
        }
        JsonFields o = JsonFields.read(meta);
        String arch = o.string("arch");
        try {
            Zoo.get(arch);
        } catch (GraftException e) {
            throw new GraftException(meta + ": " + e.getMessage(), e);
        }
        List<String> classes = o.distinctStrings("classes");
        Preset preset = preset(meta, o.object("preset"));
        HeadSpec head;
        try {
            head = HeadSpec.parse(o.string("head", "linear"));
        } catch (RuntimeException e) {
            throw new GraftException(meta + ": 'head' must be 'linear' or like 'mlp:500', not '" + o.string("head") + "'.", e);
        }
        return new SavedModel(dir, arch, classes, preset, head, o.string("source_weights", null));
    }
}
