package dev.graft.nn;

import dev.graft.GraftException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The memory a training run or an inference pass will need beyond what the process already
 * holds, estimated before it starts so that a batch too large is refused in seconds instead of
 * growing until the system kills the process. The estimate: gradients and optimizer state
 * (4 bytes per trainable parameter each), two copies of the weights on the Java side (the best
 * epoch's state and a checkpoint being written), and per image the activations measured by
 * {@code bench/memory-probe.sh} at 224 px ({@code activation-memory.csv}: a training step, or a
 * forward pass when the backbone is frozen or for inference), scaled by (size/224)^2, plus the
 * input batch's copies in the loader and the engine. It is compared with the memory available
 * ({@code MemAvailable} of /proc/meminfo, and the cgroup limit less its usage when one is set)
 * with 10% to spare. The system property {@code graft.memory.available} (bytes) replaces the
 * measured figure (tests); {@link #enabled} false ({@code --no-memory-check}) skips the check.
 */
public final class MemoryEstimate {
    /** False skips {@link #require} (the {@code --no-memory-check} flag). */
    public static volatile boolean enabled = true;

    static final double MARGIN = 0.9;
    private static final int INPUT_COPIES = 5; // loader buffers in flight, the batch copy, the engine array
    private static Map<String, long[]> table;

    /** Bytes needed on top of the process: {@code fixed} plus {@code perImage} for each image of a batch. */
    public record Need(String what, long fixed, long perImage) {
        public long total(int batch) { return fixed + perImage * batch; }
    }

    private MemoryEstimate() {}

    /**
     * A training step of {@code arch} at {@code imageSize}: {@code optimizerCopies} is the
     * optimizer's state per trainable parameter (SGD with momentum 1, Adam 2, plain SGD 0);
     * {@code frozenBackbone} uses the forward-only activations (no backward through the backbone).
     */
    public static Need training(String arch, long parameters, long trainable, int optimizerCopies,
                                boolean frozenBackbone, int imageSize) {
        long[] row = row(arch);
        // a training step holds at least a forward pass's activations: where the optimizer's own transient
        // peak hid the growth in the probe (VGG's 528 MB of weights), the forward figure is the floor
        long act = frozenBackbone ? row[1] : Math.max(row[0], row[1]);
        long fixed = 4 * trainable * (1 + optimizerCopies) + 4 * parameters * 2;
        return new Need("Training " + arch, fixed, scaled(act, imageSize) + input(imageSize));
    }

    /** A forward pass of {@code arch} at {@code imageSize}. */
    public static Need inference(String arch, int imageSize) {
        return new Need("Inference with " + arch, 0, scaled(row(arch)[1], imageSize) + input(imageSize));
    }

    /**
     * The sentence refusing {@code batch} images when {@code need} does not fit in
     * {@code available} bytes (with the margin), naming a batch size that fits; null if it fits.
     */
    public static String problem(Need need, int batch, int imageSize, long available) {
        double budget = available * MARGIN;
        if (need.total(batch) <= budget) return null;
        String head = String.format(Locale.ROOT, "%s at %d px with --batch-size %d needs about %s more memory, but %s"
                + " is available", need.what(), imageSize, batch, gb(need.total(batch)), gb(available));
        long fits = need.perImage() <= 0 ? 0 : (long) ((budget - need.fixed()) / need.perImage());
        if (fits < 1) {
            return head + " and even a batch of one does not fit; try a smaller --image-size or --arch,"
                    + " or --strategy head (or --no-memory-check to try anyway).";
        }
        return head + "; --batch-size " + Long.highestOneBit(Math.min(fits, Integer.MAX_VALUE))
                + " fits (or add --no-memory-check to try anyway).";
    }

    /** Throws the {@link #problem} sentence if the batch does not fit; nothing if unknown or disabled. */
    public static void require(Need need, int batch, int imageSize) {
        if (!enabled) return;
        long available = available();
        if (available < 0) return;
        String p = problem(need, batch, imageSize, available);
        if (p != null) throw new GraftException(p);
    }

    /** Bytes this process can still take: MemAvailable, capped by the cgroup's limit less its usage; -1 unknown. */
    public static long available() {
        String forced = System.getProperty("graft.memory.available");
        if (forced != null) return Long.parseLong(forced);
        long avail = kb(Path.of("/proc/meminfo"), "MemAvailable:");
        long cgroup = cgroupFree();
        if (avail < 0) return cgroup;
        return cgroup < 0 ? avail : Math.min(avail, cgroup);
    }

    private static long cgroupFree() {
        long[] v2 = {number(Path.of("/sys/fs/cgroup/memory.max")), number(Path.of("/sys/fs/cgroup/memory.current"))};
        long[] v1 = {number(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes")),
                number(Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes"))};
        for (long[] c : new long[][] {v2, v1}) {
            if (c[0] > 0 && c[0] < (1L << 60) && c[1] >= 0) return Math.max(0, c[0] - c[1]);
        }
        return -1;
    }

    private static long scaled(long bytesAt224, int imageSize) {
        return (long) (bytesAt224 * (imageSize / 224.0) * (imageSize / 224.0));
    }

    private static long input(int imageSize) { return 4L * 3 * imageSize * imageSize * INPUT_COPIES; }

    /** The measured row (train, eval bytes per image at 224 px); an unknown architecture takes the largest. */
    private static synchronized long[] row(String arch) {
        if (table == null) table = load();
        long[] r = table.get(arch.toLowerCase(Locale.ROOT));
        if (r != null) return r;
        long[] max = {0, 0};
        for (long[] v : table.values()) {
            max[0] = Math.max(max[0], v[0]);
            max[1] = Math.max(max[1], v[1]);
        }
        return max;
    }

    private static Map<String, long[]> load() {
        Map<String, long[]> t = new HashMap<>();
        try (InputStream in = MemoryEstimate.class.getResourceAsStream("activation-memory.csv")) {
            if (in == null) return t;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split(",");
                t.put(f[0].trim(), new long[] {Long.parseLong(f[1].trim()), Long.parseLong(f[2].trim())});
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the memory table activation-memory.csv is unreadable", e);
        }
        return t;
    }

    private static long kb(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long number(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | RuntimeException e) {
            return -1; // absent, or "max" (no limit)
        }
    }

    private static String gb(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MB", bytes >> 20);
    }
}
