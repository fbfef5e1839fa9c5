package dev.graft.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.GraftException;
import dev.graft.data.transforms.Preset;
import dev.graft.io.DType;
import dev.graft.io.Safetensors;
import dev.graft.io.TensorData;
import dev.graft.models.SavedModel;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Penultimate features of many images computed elsewhere (by {@code graft spark features}),
 * read for {@code graft train --features DIR}: a manifest {@code features.json} (architecture,
 * the weights that computed them, the inference preset, the feature dimension, the class names
 * in label order, the shard files and the image count) and shards {@code part-N.safetensors}
 * each holding {@code features} [n, D] float32 and {@code labels} [n] int64. DIR is the folder
 * holding the manifest or a Spark output folder holding it in {@code _graft/}. The shards are
 * memory-mapped and copied once into one array. Only the format is known here: no Parquet, no Spark.
 */
public record FeatureSet(Path dir, String arch, String weights, Preset preset, List<String> classes, int dim,
                         float[] features, int[] labels) {
    public static final String MANIFEST = "features.json", SUBDIR = "_graft", FORMAT = "graft-features";

    public int size() { return labels.length; }

    /** The rows {@code rows} (in that order) as a feature cache whose sample ids are 0..rows.length-1. */
    public FeatureCache cache(int[] rows) {
        float[] x = new float[rows.length * dim];
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(features, rows[i] * dim, x, i * dim, dim);
            y[i] = labels[rows[i]];
        }
        return FeatureCache.of(x, y, dim);
    }

    /** Where the manifest of DIR is, or null. */
    public static Path manifest(Path dir) {
        for (Path p : List.of(dir.resolve(MANIFEST), dir.resolve(SUBDIR).resolve(MANIFEST))) {
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /** Reads the manifest and every shard; refuses a folder without a manifest, a shard of another dimension, bad labels. */
    public static FeatureSet read(Path dir) {
        if (!Files.isDirectory(dir)) throw new GraftException(dir + " does not exist or is not a folder of features.");
        Path manifest = manifest(dir);
        if (manifest == null) {
            throw new GraftException(dir + " has no " + MANIFEST + " (nor " + SUBDIR + "/" + MANIFEST
                    + "): write the features with graft spark features, which adds it.");
        }
        JsonObject m;
        try {
            m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new GraftException(manifest + " is not readable: " + e.getMessage(), e);
        }
        try {
            Path home = manifest.getParent();
            int dim = m.get("dim").getAsInt();
            List<String> classes = new ArrayList<>();
            m.getAsJsonArray("classes").forEach(c -> classes.add(c.getAsString()));
            if (classes.size() < 2) throw new GraftException(manifest + " lists " + classes.size() + " class; training needs two or more.");
            List<float[]> xs = new ArrayList<>();
            List<int[]> ys = new ArrayList<>();
            int total = 0;
            for (JsonElement s : m.getAsJsonArray("shards")) {
                Path file = home.resolve(s.getAsJsonObject().get("file").getAsString());
                if (!Files.isRegularFile(file)) throw new GraftException(manifest + " lists " + file.getFileName() + ", which is missing.");
                Map<String, TensorData> t = Safetensors.read(file);
                TensorData x = t.get("features"), y = t.get("labels");
                if (x == null || y == null || x.dtype() != DType.FLOAT32 || x.shape().length != 2 || y.dtype() != DType.INT64
                        || y.shape().length != 1 || y.shape()[0] != x.shape()[0]) {
                    throw new GraftException(file + " is not a features shard: expected features [n, D] float32 and labels [n] int64.");
                }
                if (x.shape()[1] != dim) {
                    throw new GraftException(file + " holds features of dimension " + x.shape()[1] + " where " + manifest.getFileName()
                            + " says " + dim + ": the shards mix two models' features.");
                }
                int[] labels = longs(y);
                for (int l : labels) {
                    if (l < 0 || l >= classes.size()) throw new GraftException(file + " has label " + l + ", not one of the "
                            + classes.size() + " classes of " + manifest.getFileName() + ".");
                }
                xs.add(x.toFloats());
                ys.add(labels);
                total += labels.length;
            }
            int expected = m.get("images").getAsInt();
            if (total != expected) throw new GraftException(manifest + " counts " + expected + " images but its shards hold " + total + ".");
            if (total == 0) throw new GraftException(dir + " holds no features (every image was unreadable?).");
            float[] features = new float[Math.multiplyExact(total, dim)];
            int[] labels = new int[total];
            int at = 0;
            for (int i = 0; i < xs.size(); i++) {
                System.arraycopy(xs.get(i), 0, features, at * dim, xs.get(i).length);
                System.arraycopy(ys.get(i), 0, labels, at, ys.get(i).length);
                at += ys.get(i).length;
            }
            String weights = m.has("weights") && !m.get("weights").isJsonNull() ? m.get("weights").getAsString() : null;
            return new FeatureSet(home, m.get("arch").getAsString(), weights,
                    SavedModel.presetFromJson(manifest + ": preset", m.getAsJsonObject("preset")), List.copyOf(classes), dim, features, labels);
        } catch (GraftException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GraftException(manifest + " is not a features manifest: " + e.getMessage(), e);
        }
    }

    private static int[] longs(TensorData t) {
        LongBuffer b = t.buffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        int[] out = new int[b.remaining()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(b.get(i));
        return out;
    }
}
