import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.Engine;
import dev.graft.nn.Rng;
import dev.graft.train.Batch;
import dev.graft.train.Fit;
import dev.graft.train.Strategy;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.optim.OptimizerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures the activation memory per image of each zoo architecture at 224 px, for a training
 * step (forward, backward, SGD-with-momentum update, every parameter trainable) and an
 * inference forward pass; the table behind dev.graft.nn.MemoryEstimate (see
 * bench/memory-probe.sh). Method: for batches of B1 and B2 images, a warm-up step of that
 * shape (allocating the gradients, the optimizer state and the kernels' caches), then the peak RSS (VmHWM, reset through
 * /proc/self/clear_refs, after malloc_trim) is taken over one step relative to the RSS before
 * it; per image = (peak(B2) - peak(B1)) / (B2 - B1), so everything that does not grow with
 * the batch cancels out. Inputs are seeded random values.
 *
 * <p>Usage: java ... bench/MemoryProbe.java OUT.csv [ARCH...]   (appends one line per arch)
 */
public class MemoryProbe {
    static final int SIZE = 224, B1 = 2, B2 = 8;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<String> archs = args.length > 1 ? List.of(args).subList(1, args.length)
                : Zoo.all().stream().map(ModelSpec::name).toList();
        for (String arch : archs) {
            ModelSpec spec = Zoo.get(arch);
            Rng.manualSeed(0);
            ImageModel model = spec.build(1000);
            long evalPer = perImage(model, false, spec), trainPer = perImage(model, true, spec);
            String line = String.format(Locale.ROOT, "%s,%d,%d%n", arch, trainPer, evalPer);
            System.out.print(line);
            Files.writeString(out, line, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            model.close();
        }
    }

    static long perImage(ImageModel model, boolean train, ModelSpec spec) throws Exception {
        Fit fit = null;
        if (train) {
            Strategy.FINETUNE.apply(model, spec, null, dev.graft.train.BnPolicy.forStrategy(Strategy.FINETUNE));
            var groups = Strategy.FINETUNE.paramGroups(model, spec, 1e-3, 1.0);
            fit = new Fit(model, OptimizerKind.SGD.build(groups, 1e-3, 0.9, 0), new CrossEntropyLoss());
            model.train();
        } else {
            model.eval();
        }
        long d1 = peakDelta(model, fit, B1), d2 = peakDelta(model, fit, B2);
        System.err.printf(Locale.ROOT, "  %s %s: +%d MB at batch %d, +%d MB at batch %d%n",
                model.getClass().getSimpleName(), train ? "train" : "eval", d1 >> 20, B1, d2 >> 20, B2);
        return Math.max(0, (d2 - d1) / (B2 - B1));
    }

    static long peakDelta(ImageModel model, Fit fit, int batch) throws Exception {
        step(model, fit, batch); // warm-up at this shape: gradients, optimizer state, kernels' caches
        Engine.releaseFreeMemory();
        Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM to the current RSS
        long before = field("VmRSS:");
        step(model, fit, batch);
        return field("VmHWM:") - before;
    }

    static void step(ImageModel model, Fit fit, int batch) {
        SplittableRandom r = new SplittableRandom(batch);
        float[] x = new float[batch * 3 * SIZE * SIZE];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = r.nextInt(1000);
        long[] shape = {batch, 3, SIZE, SIZE};
        if (fit != null) fit.trainStep(new Batch(x, labels, shape));
        else Engine.forward(model::forward, x, shape);
    }

    static long field(String name) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(name)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IllegalStateException("no " + name + " in /proc/self/status");
    }
}
