package dev.graft.testutil;

import dev.graft.io.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Model parity fixtures made by Debian's PyTorch ({@code src/test/python/make_model_fixtures.py}).
 * Full-size state dicts are tens of megabytes, so they are generated into
 * {@code target/model-fixtures} on first use rather than committed; CI installs
 * python3-torchvision. Without it the parity tests are skipped with a message (under CI=true they fail, {@link Reference}).
 */
public final class ModelFixtures {
    public static final Path DIR = Path.of("target", "model-fixtures");
    private static final String PYTHON = "/usr/bin/python3";
    /** FIXTURE_VERSION in make_model_fixtures.py; fixtures of another version are regenerated. */
    static final int VERSION = 6;

    private ModelFixtures() {}

    /** The fixture directory with the files for {@code arch}, generating them when absent. */
    public static Path forArch(String arch) throws IOException, InterruptedException {
        prepare(arch);
        return DIR;
    }

    /** Generates the fixtures of every arch that has none yet, in one Python run (torch imports once). */
    public static synchronized void prepare(String... archs) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String arch : archs) if (!current(arch)) missing.add(arch);
        if (missing.isEmpty()) return;
        Reference.require(torchAvailable(), "python3 with torch and torchvision is needed to make model fixtures "
                + "(apt-get install python3-torchvision)");
        Files.createDirectories(DIR);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "src/test/python/make_model_fixtures.py", DIR.toString()));
        cmd.addAll(missing);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) throw new IOException("make_model_fixtures.py failed for " + missing);
    }

    /** The script writes {@code ARCH-meta.json} last, stamped with its fixture version. */
    private static boolean current(String arch) throws IOException {
        Path meta = DIR.resolve(arch + "-meta.json");
        return Files.exists(meta) && Files.readString(meta).contains("\"fixture_version\": " + VERSION + ",");
    }

    public static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, torchvision").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static Map<String, TensorData> expected(String arch) throws IOException, InterruptedException {
        return dev.graft.io.Safetensors.read(forArch(arch).resolve(arch + "-expected.safetensors"));
    }

    /** max |a-b| / max |b|: the parity measure the issues ask for (relative to the largest logit). */
    public static double relativeError(float[] got, float[] want) {
        double d = 0, m = 0;
        for (int i = 0; i < want.length; i++) {
            d = Math.max(d, Math.abs(got[i] - want[i]));
            m = Math.max(m, Math.abs(want[i]));
        }
        return d / m;
    }

    /** Indices of the k largest values of row {@code row} of a [rows, cols] array, best first. */
    public static int[] topk(float[] values, int row, int cols, int k) {
        Integer[] idx = new Integer[cols];
        for (int i = 0; i < cols; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(values[row * cols + b], values[row * cols + a]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = idx[i];
        return out;
    }
}
