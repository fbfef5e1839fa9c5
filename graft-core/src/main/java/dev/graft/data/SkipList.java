package dev.graft.data;

import dev.graft.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The images a run could not read, each with the reason, in the order they were first met.
 * Each file is reported once to the warning sink (stderr by default) however many epochs or
 * threads hit it, and the whole list is written as the run's {@code skipped.txt}
 * ({@code path<TAB>reason} per line). Thread-safe.
 */
public final class SkipList {
    /** One unreadable sample. */
    public record Entry(String path, String reason) {}

    private final Map<String, String> entries = new LinkedHashMap<>();
    private final Consumer<String> warnings;

    /** Warnings go to stderr, each prefixed with {@code warning: }. */
    public SkipList() {
        this(w -> System.err.println("warning: " + w));
    }

    public SkipList(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    /**
     * Records an unreadable sample; warns ({@code skipping PATH: REASON}, without a
     * {@code warning:} prefix, which is the sink's) and returns true only the first time a
     * path is seen. Control characters in the path or reason (a damaged file's bytes) become
     * {@code ?}, so each file stays one line in the warnings and in skipped.txt.
     */
    public boolean add(String path, String reason) {
        path = oneLine(path);
        reason = oneLine(reason);
        synchronized (entries) {
            if (entries.containsKey(path)) return false;
            entries.put(path, reason);
        }
        warnings.accept("skipping " + path + ": " + reason);
        return true;
    }

    public boolean contains(String path) {
        synchronized (entries) {
            return entries.containsKey(oneLine(path));
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public List<Entry> entries() {
        synchronized (entries) {
            List<Entry> out = new ArrayList<>();
            entries.forEach((p, r) -> out.add(new Entry(p, r)));
            return out;
        }
    }

    /** Writes {@code path<TAB>reason} lines atomically (temp file, then rename). */
    public void writeTo(Path skippedTxt) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries()) sb.append(e.path()).append('\t').append(e.reason()).append('\n');
        AtomicFiles.write(skippedTxt, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
