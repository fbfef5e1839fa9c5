package dev.graft.bench;

import dev.graft.nn.Engine;
import dev.graft.train.Batch;
import dev.graft.train.Fit;
import dev.graft.train.FitListener;
import dev.graft.train.Learner;
import dev.graft.train.TrainData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Resident memory over a training run: fine-tunes a whole zoo model (SGD with momentum, so
 * optimizer state exists; BatchNorm in training mode; a validation phase each epoch) on
 * random images and records, after every epoch, the process RSS (after the C allocator has
 * returned its free memory, see {@link Engine#releaseFreeMemory()}) and how many engine arrays
 * the root manager holds. A leak shows as either growing; {@code MemoryGrowthTest} asserts
 * that neither grows after epoch 2 (RSS by at most 5%, arrays not at all).
 * {@code java ... dev.graft.bench.MemoryGrowth [arch] [epochs] [imageSize]} prints the table.
 */
public final class MemoryGrowth {
    private MemoryGrowth() {}

    /** Per epoch (index 0 = after epoch 1): RSS in MB and arrays owned by the root manager. */
    public record Trace(long[] rssMb, int[] rootArrays, long[] heapMb) {}

    public static Trace run(String arch, int epochs, int imageSize, int batchSize, int trainBatches) {
        SplittableRandom r = new SplittableRandom(0);
        List<Batch> train = new ArrayList<>();
        for (int i = 0; i < trainBatches; i++) train.add(batch(batchSize, imageSize, r));
        List<Batch> val = List.of(batch(batchSize, imageSize, r));
        long[] rss = new long[epochs];
        int[] arrays = new int[epochs];
        long[] heap = new long[epochs];
        Learner learner = Learner.create(arch, 4).sgd(0.01, 0.9).epochs(epochs).seed(0).quiet().listener(new FitListener() {
            @Override
            public void epochEnd(Fit.EpochResult result, Fit fit) {
                Engine.releaseFreeMemory(); // count memory in use, not the allocator's free lists
                int i = result.epoch() - 1;
                rss[i] = Memory.rssMb();
                arrays[i] = Engine.root().getManagedArrays().size();
                heap[i] = Runtime.getRuntime().totalMemory() >> 20;
            }
        });
        try (var model = learner.model()) {
            learner.fit(TrainData.of(train, val));
        }
        return new Trace(rss, arrays, heap);
    }

    private static Batch batch(int n, int size, SplittableRandom r) {
        float[] x = new float[n * 3 * size * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % 4;
        return Batch.images(x, y, n, size, size);
    }

    public static void main(String[] args) {
        String arch = args.length > 0 ? args[0] : "resnet18";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Trace t = run(arch, epochs, size, 16, 8);
        System.out.println("| epoch | RSS MB | Java heap committed MB | root arrays |");
        System.out.println("|---|---|---|---|");
        for (int e = 0; e < epochs; e++) {
            System.out.printf("| %d | %d | %d | %d |%n", e + 1, t.rssMb()[e], t.heapMb()[e], t.rootArrays()[e]);
        }
    }
}
