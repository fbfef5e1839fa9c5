package dev.graft.train;

import dev.graft.io.TensorData;
import dev.graft.nn.AdaptiveAvgPool2d;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.Flatten;
import dev.graft.nn.Linear;
import dev.graft.nn.ReLU;
import dev.graft.nn.Sequential;
import dev.graft.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The small CNN and fixed batches of {@code src/test/python/make_train_fixtures.py}. */
final class TrainFixtures {
    static final Path DIR = Path.of("src/test/resources/fixtures/train");
    static final int STEPS = 20, N = 8, C = 3, H = 16, W = 16, CLASSES = 4;
    private static Map<String, TensorData> all;

    private TrainFixtures() {}

    static synchronized Map<String, TensorData> all() throws IOException {
        if (all == null) all = Safetensors.read(DIR.resolve("train.safetensors"));
        return all;
    }

    /** Entries under {@code prefix.}, with the prefix removed. */
    static Map<String, TensorData> under(String prefix) throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        all().forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) out.put(k.substring(prefix.length() + 1), v);
        });
        return out;
    }

    /** conv-bn-relu-conv-bn-relu-pool-flatten-linear, keys as torch's nn.Sequential. */
    static Sequential model() throws IOException {
        Sequential m = new Sequential(new Conv2d(3, 8, 3, 1, 1, false), new BatchNorm2d(8), new ReLU(),
                new Conv2d(8, 16, 3, 2, 1, false), new BatchNorm2d(16), new ReLU(),
                new AdaptiveAvgPool2d(1), new Flatten(), new Linear(16, CLASSES));
        m.loadStateDict(under("init"), true);
        return m;
    }

    static int hash32(int x) {
        x ^= x >>> 16;
        x *= 0x7FEB352D;
        x ^= x >>> 15;
        x *= 0x846CA68B;
        x ^= x >>> 16;
        return x;
    }

    static Batch batch(int b) {
        float[] x = new float[N * C * H * W];
        for (int i = 0; i < x.length; i++) x[i] = (hash32(b * 1000003 + i) >>> 16) / 32768f - 1f;
        int[] y = new int[N];
        for (int k = 0; k < N; k++) y[k] = Integer.remainderUnsigned(hash32(b * 7919 + k + 999331), CLASSES);
        return Batch.images(x, y, N, H, W);
    }
}
