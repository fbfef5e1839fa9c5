package dev.graft.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sentence for failures that are not the user's typing but the machine's limits or the
 * engine's: the Java heap running out ({@link OutOfMemoryError}), libtorch's allocator failing
 * ("DefaultCPUAllocator: can't allocate memory"), and BatchNorm refusing a training batch of
 * one. Anything else is left to the caller ({@link #describe} returns null).
 */
final class ResourceErrors {
    private static final Pattern BYTES = Pattern.compile("allocate (\\d+) bytes");

    private ResourceErrors() {}

    static String describe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return "Java ran out of memory; try a smaller --batch-size or --image-size, or give Java more"
                        + " with GRAFT_JAVA_OPTS=-Xmx8g.";
            }
            String m = t.getMessage();
            if (m == null) continue;
            if (m.contains("can't allocate memory") || m.contains("DefaultCPUAllocator")) {
                Matcher b = BYTES.matcher(m);
                String size = b.find() ? String.format(Locale.ROOT, " (%.1f GB at once)", Long.parseLong(b.group(1)) / 1e9) : "";
                return "The engine ran out of memory" + size + "; try a smaller --batch-size or --image-size.";
            }
            if (m.contains("Expected more than 1 value per channel when training")) {
                return "A training batch of one image cannot go through BatchNorm; use --batch-size 2 or more"
                        + " and at least 2 training images.";
            }
        }
        return null;
    }
}
