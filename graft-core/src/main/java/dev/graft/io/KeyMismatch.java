package dev.graft.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a state dict differs from the one a model expects: missing keys, unexpected keys and
 * shape mismatches, compared from keys and shapes alone (no tensor data is read), and told in
 * one short sentence with counts and three examples of each, however many keys differ.
 */
public record KeyMismatch(List<String> missing, List<String> unexpected, List<String> shapes) {
    private static final int EXAMPLES = 3;

    /**
     * Compares {@code found} with {@code expected} shapes (null shape: any shape accepted).
     * Expected keys ending in {@code num_batches_tracked} may be absent, as in PyTorch files
     * older than 0.4.2.
     */
    public static KeyMismatch compare(Map<String, long[]> expected, Map<String, TensorData> found) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), shapes = new ArrayList<>();
        expected.forEach((k, shape) -> {
            TensorData t = found.get(k);
            if (t == null) {
                if (!k.endsWith("num_batches_tracked")) missing.add(k);
            } else if (shape != null && !Arrays.equals(shape, t.shape())) {
                shapes.add(k + " " + t.shapeString() + " where " + Arrays.toString(shape) + " is expected");
            }
        });
        for (String k : found.keySet()) if (!expected.containsKey(k)) unexpected.add(k);
        return new KeyMismatch(missing, unexpected, shapes);
    }

    /** True when the dict fits: no shape mismatch and, when {@code strict}, no missing or unexpected key. */
    public boolean fits(boolean strict) {
        return shapes.isEmpty() && (!strict || (missing.isEmpty() && unexpected.isEmpty()));
    }

    /** "missing 3 keys, e.g. a, b, c; unexpected 1 key, e.g. d; 2 shape mismatches, e.g. ..." (non-strict: shapes only). */
    public String summary(boolean strict) {
        List<String> parts = new ArrayList<>();
        if (strict && !missing.isEmpty()) parts.add("missing " + count(missing.size(), "key") + examples(missing));
        if (strict && !unexpected.isEmpty()) parts.add("unexpected " + count(unexpected.size(), "key") + examples(unexpected));
        if (!shapes.isEmpty()) parts.add(count(shapes.size(), "shape mismatch") + examples(shapes));
        return String.join("; ", parts);
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : what.endsWith("h") ? "es" : "s");
    }

    private static String examples(List<String> keys) {
        List<String> first = keys.subList(0, Math.min(EXAMPLES, keys.size()));
        return (keys.size() > EXAMPLES ? ", e.g. " : ": ") + String.join(", ", first);
    }
}
