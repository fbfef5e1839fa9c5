package dev.graft.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import dev.graft.GraftException;
import dev.graft.io.Safetensors;
import dev.graft.io.TensorData;
import dev.graft.models.SavedModel;
import dev.graft.nn.Module;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.OptimizerState;
import dev.graft.train.schedule.LrSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One training checkpoint in one safetensors file: the model's state dict ({@code model.*}),
 * the optimizer's per-parameter state ({@code optim.*}) and, in the metadata, a JSON string
 * with the fit loop's counters, the optimizer's scalars, the schedule's state, the seed and
 * the recipe. Files are written atomically (temporary file, then rename), so a crash leaves
 * the previous checkpoint intact and at most a stray temporary file, which loading ignores.
 * Randomness is a pure function of (seed, epoch, step), so seed and counters restore it.
 * Format 2 stores the epochs as printed, from 1 ({@code "epoch"}: the last one completed,
 * {@code "bestEpoch"}: 0 for none); format 1 (Graft before it) stored the next epoch's 0-based
 * index and a 0-based best epoch, which {@link #fitState} converts on reading.
 */
public record Checkpoint(Map<String, TensorData> model, OptimizerState optimizer, Map<String, Object> schedule,
                         Fit.State fit, long seed, String recipe) {
    public static final String LAST = "last.safetensors", BEST = "best.safetensors";
    private static final String KEY = "graft.checkpoint", RECIPE = "graft.recipe";
    private static final int VERSION = 2;
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    /** Captures the current state of a run after {@code completedEpoch}. */
    public static Checkpoint capture(Fit fit, int completedEpoch, long seed, String recipe) {
        LrSchedule s = fit.schedule();
        return new Checkpoint(fit.model().stateDict(), fit.optimizer().stateDict(), s == null ? null : s.state(),
                fit.state(completedEpoch), seed, recipe == null ? "" : recipe);
    }

    public void write(Path file) {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        model.forEach((k, v) -> tensors.put("model." + k, v));
        optimizer.tensors().forEach((k, v) -> tensors.put("optim." + k, v));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("version", VERSION);
        meta.put("fit", fit);
        meta.put("seed", Long.toString(seed));
        meta.put("optimizer", optimizer.scalars());
        if (schedule != null) meta.put("schedule", schedule);
        Safetensors.write(file, tensors, Map.of(KEY, GSON.toJson(meta), RECIPE, recipe));
    }

    /** Reads a checkpoint written by {@link #write}; one clear sentence when the file is not one. */
    @SuppressWarnings("unchecked")
    public static Checkpoint read(Path file) {
        if (!Files.isRegularFile(file)) throw new GraftException("no checkpoint at " + file);
        Map<String, String> meta = Safetensors.readMetadata(file);
        String json = meta.get(KEY);
        if (json == null) throw new GraftException(file + " is not a Graft checkpoint (no " + KEY + " metadata)");
        Map<String, Object> m = metadata(file, json);
        Map<String, TensorData> model = new LinkedHashMap<>(), optim = new TreeMap<>();
        Safetensors.read(file).forEach((k, v) -> {
            if (k.startsWith("model.")) model.put(k.substring(6), v);
            else if (k.startsWith("optim.")) optim.put(k.substring(6), v);
        });
        return new Checkpoint(model, new OptimizerState(optim, (Map<String, Object>) m.get("optimizer")),
                (Map<String, Object>) m.get("schedule"), fitState(m), Long.parseLong((String) m.get("seed")),
                meta.getOrDefault(RECIPE, ""));
    }

    /** The checkpoint's JSON metadata, refused when its format is newer than this Graft's. */
    private static Map<String, Object> metadata(Path file, String json) {
        Map<String, Object> m = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        int version = ((Number) m.get("version")).intValue();
        if (version < 1 || version > VERSION) {
            throw new GraftException(file + " is a checkpoint of format " + version + "; this Graft reads formats 1 to "
                    + VERSION + ".");
        }
        return m;
    }

    /**
     * The fit loop's counters, epochs numbered from 1; the one place format 1's numbers (the next
     * epoch's 0-based index, which is the count done, and a 0-based best epoch, -1 for none) are converted.
     */
    @SuppressWarnings("unchecked")
    private static Fit.State fitState(Map<String, Object> m) {
        Map<String, Object> f = new LinkedHashMap<>((Map<String, Object>) m.get("fit"));
        if (((Number) m.get("version")).intValue() == 1) {
            f.put("epoch", f.remove("nextEpoch"));
            f.put("bestEpoch", ((Number) f.get("bestEpoch")).intValue() + 1);
        }
        return GSON.fromJson(GSON.toJson(f), Fit.State.class);
    }

    /** The recipe (JSON, "" when the checkpoint has none) and the loop's counters of a checkpoint. */
    public record Header(String recipe, Fit.State fit) {}

    /** Reads a checkpoint's header alone (no tensor data): its recipe and counters. */
    public static Header header(Path file) {
        if (!Files.isRegularFile(file)) throw new GraftException("no checkpoint at " + file);
        Map<String, String> meta = Safetensors.readMetadata(file);
        String json = meta.get(KEY);
        if (json == null) throw new GraftException(file + " is not a Graft checkpoint (no " + KEY + " metadata)");
        return new Header(meta.getOrDefault(RECIPE, ""), fitState(metadata(file, json)));
    }

    /**
     * The best weights so far of the run whose checkpoints are in {@code dir}: its
     * {@code best.safetensors}, else the run's {@code model.safetensors} beside the folder (a
     * run that stopped keeps only its last checkpoint, and the model holds the best weights),
     * else null.
     */
    public static Map<String, TensorData> bestWeights(Path dir) {
        if (Files.isRegularFile(dir.resolve(BEST))) return read(dir.resolve(BEST)).model();
        Path model = dir.toAbsolutePath().getParent().resolve(SavedModel.WEIGHTS);
        return Files.isRegularFile(model) ? Safetensors.read(model) : null;
    }

    /** Loads model weights, optimizer and schedule state; returns the fit loop's counters. */
    public Fit.State restore(Module model, Optimizer optimizer, LrSchedule schedule) {
        model.loadStateDict(this.model, true);
        optimizer.loadStateDict(this.optimizer);
        if (schedule != null) {
            if (this.schedule == null) throw new GraftException("the checkpoint has no schedule state to resume");
            schedule.load(this.schedule);
        }
        return fit;
    }

    /** Temporary files a killed writer may have left next to the checkpoints (safe to delete). */
    public static List<Path> strayTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.endsWith(".tmp") && (n.contains(LAST) || n.contains(BEST));
            }).toList();
        }
    }

    /**
     * A fit listener writing {@code dir/last.safetensors} after every epoch and
     * {@code dir/best.safetensors} when validation accuracy improved.
     */
    public static FitListener saver(Path dir, long seed, String recipe) {
        return new FitListener() {
            @Override
            public void epochEnd(Fit.EpochResult r, Fit fit) {
                Checkpoint c = capture(fit, r.epoch(), seed, recipe);
                if (r.best()) c.write(dir.resolve(BEST));
                c.write(dir.resolve(LAST));
            }
        };
    }
}
