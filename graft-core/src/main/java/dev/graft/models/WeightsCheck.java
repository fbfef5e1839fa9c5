package dev.graft.models;

import dev.graft.GraftException;
import dev.graft.io.KeyMismatch;
import dev.graft.io.TensorData;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a weight file's keys against an architecture before anything is built or read: the
 * file's tensors are still unread views, so a file of the wrong model (even 10 GB) is refused
 * from its header in milliseconds, with counts, three examples and the zoo architecture whose
 * keys the file has most in common with. The state-dict keys of every zoo architecture are
 * listed in {@code state-dict-keys.txt} (one line per architecture, kept current by
 * {@code StateDictKeysTest}); an architecture missing from that list is checked later, when
 * the weights are loaded into the built model.
 */
public final class WeightsCheck {
    static final String RESOURCE = "state-dict-keys.txt";
    private static Map<String, List<String>> keys;

    private WeightsCheck() {}

    /** Refuses {@code state} with one sentence when its keys are not those of {@code arch}. */
    public static void checkKeys(String arch, Map<String, TensorData> state, String source) {
        List<String> want = keysOf().get(arch);
        if (want == null) return;
        LinkedHashMap<String, long[]> expected = new LinkedHashMap<>();
        for (String k : want) expected.put(k, null);
        KeyMismatch m = KeyMismatch.compare(expected, state);
        if (m.fits(true)) return;
        String like = lookalike(state.keySet());
        throw new GraftException("The weights in " + source + " do not fit " + arch + " (" + m.summary(true) + ")"
                + (like == null ? ": they look like no architecture Graft knows."
                : like.equals(arch) ? "." : ": they look like " + like + " weights, so use --arch " + like + "."));
    }

    /** The zoo architecture sharing the most keys with {@code found} (Jaccard index above 0.5), or null. */
    public static String lookalike(Set<String> found) {
        String best = null;
        double bestScore = 0.5;
        for (var e : keysOf().entrySet()) {
            Set<String> theirs = new HashSet<>(e.getValue());
            long common = found.stream().filter(theirs::contains).count();
            double score = (double) common / (found.size() + theirs.size() - common);
            if (score > bestScore) {
                bestScore = score;
                best = e.getKey();
            }
        }
        return best;
    }

    static synchronized Map<String, List<String>> keysOf() {
        if (keys != null) return keys;
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (InputStream in = WeightsCheck.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] words = line.trim().split(" ");
                    if (words.length > 1) out.put(words[0], List.of(Arrays.copyOfRange(words, 1, words.length)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keys = out;
        return keys;
    }
}
