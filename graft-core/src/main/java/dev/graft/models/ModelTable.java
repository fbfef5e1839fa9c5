package dev.graft.models;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.graft.io.WeightCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table {@code graft models} prints: one row per architecture in the zoo with its
 * parameter count and the published numbers of its default weights (GFLOPs, ImageNet acc@1,
 * preset), and whether that weights file is already in the torch hub cache, so a user sees
 * what will run offline.
 */
public final class ModelTable {
    /** One architecture with its default weights. */
    public record Row(String arch, long parameters, double gflops, double acc1, String weights, String preset,
                      String fileName, boolean cached) {}

    private final List<Row> rows;

    public ModelTable(List<Row> rows) { this.rows = List.copyOf(rows); }

    /** The zoo's architectures, checking the cache PyTorch uses in this environment. */
    public static ModelTable ofZoo() { return ofZoo(WeightCache.standard().dir()); }

    /** The zoo's architectures, checking for weights files in {@code cacheDir}. */
    public static ModelTable ofZoo(Path cacheDir) {
        List<Row> rows = new ArrayList<>();
        for (ModelSpec s : Zoo.all()) {
            WeightsSpec w = s.defaultWeights();
            rows.add(new Row(s.name(), s.parameters(), w.gflops(), w.acc1(), w.name(), w.presetDescription(),
                    w.fileName(), Files.isRegularFile(cacheDir.resolve(w.fileName()))));
        }
        return new ModelTable(rows);
    }

    public List<Row> rows() { return rows; }

    /** Aligned text columns with a header line. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %12s %7s %7s  %-17s %s%n",
                "arch", "parameters", "GFLOPs", "acc@1", "preset", "cached"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-20s %,12d %7.3f %7.3f  %-17s %s%n", r.arch(), r.parameters(),
                    r.gflops(), r.acc1(), r.preset(), r.cached() ? "yes" : "no"));
        }
        return sb.toString();
    }

    /** {@code {"models": [{"arch", "parameters", "gflops", "acc1", "weights", "preset", "file", "cached"}, ...]}}. */
    public String toJson() {
        JsonArray models = new JsonArray();
        for (Row r : rows) {
            JsonObject o = new JsonObject();
            o.addProperty("arch", r.arch());
            o.addProperty("parameters", r.parameters());
            o.addProperty("gflops", r.gflops());
            o.addProperty("acc1", r.acc1());
            o.addProperty("weights", r.weights());
            o.addProperty("preset", r.preset());
            o.addProperty("file", r.fileName());
            o.addProperty("cached", r.cached());
            models.add(o);
        }
        JsonObject root = new JsonObject();
        root.add("models", models);
        return new GsonBuilder().setPrettyPrinting().create().toJson(root);
    }
}
