import dev.graft.data.Dataset;
import dev.graft.data.IdxDataset;
import dev.graft.data.Loader;
import dev.graft.data.Subset;
import dev.graft.data.transforms.Preset;
import dev.graft.eval.Evaluation;
import dev.graft.io.TensorData;
import dev.graft.models.Zoo;
import dev.graft.nn.Engine;
import dev.graft.train.Learner;
import dev.graft.train.LoaderData;
import dev.graft.train.Recipe;
import dev.graft.train.Strategy;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory over many short training runs in one JVM, as bench/AutoRecipe.java does them (the
 * shipped automatic recipe: ResNet-18 from a source model, LR finder on its own loader,
 * fine-tuning on a training loader, evaluation, model closed). After each run it prints RSS
 * (after malloc_trim), Java heap in use (after a GC), the engine arrays the root manager holds
 * (recursively), the root's direct resources (sub-managers included) and the live threads.
 * Usage: bench/run-leak.sh RUNS EPOCHS [SHOTS]; PARTS=finder,eval,leakloader (default finder,eval) picks the
 * parts of a run (leakloader: the training loader is not closed); -Ddump lists the arrays left after run 1.
 */
public final class RunLeak {
    public static void main(String[] a) throws Exception {
        Engine.setThreads(1);
        int runs = Integer.parseInt(a[0]), epochs = Integer.parseInt(a[1]), shots = a.length > 2 ? Integer.parseInt(a[2]) : 10;
        String parts = System.getProperty("parts", "finder,eval");
        List<String> classes = IdxDataset.FASHION_CLASSES, target = classes.subList(5, 10);
        Path data = Path.of("/usr/share/datasets/fashion-mnist");
        Dataset train = IdxDataset.load(data, true, classes, "fashion"), test = IdxDataset.load(data, false, classes, "fashion");
        Dataset targetTest = Subset.perClass(Subset.ofClasses(test, target), 20, 12345);
        Path src = Path.of(System.getProperty("source", "/tmp/graft-src-01258-3-1500.safetensors"));
        Map<String, TensorData> pre = Files.exists(src) ? dev.graft.io.WeightFiles.read(src) : null;
        Preset pr = Zoo.get("resnet18").defaultWeights().preset().scaledTo(32);
        System.out.println("| run | RSS MB | heap used MB | root arrays | root resources | threads |");
        System.out.println("|---|---|---|---|---|---|");
        print(0);
        for (int run = 1; run <= runs; run++) {
            Dataset few = Subset.perClass(Subset.ofClasses(train, target), shots, run);
            Recipe r = Recipe.builder("leak", "resnet18").weights(pre == null ? "none" : "run")
                    .strategy(pre == null ? Strategy.SCRATCH : Strategy.FINETUNE).seed((long) run).workers(1).valSplit(0.0)
                    .epochs(epochs).lr(0.01).build();
            Learner l = Learner.create("resnet18", target.size(), run);
            if (pre != null) l.weights(pre);
            if (parts.contains("finder")) {
                try (Loader sweep = Loader.builder(few).transform(pr.trainTransform(r.augment())).batchSize(r.batchSize())
                        .forTraining().seed(run + 1).workers(1).normalize(pr.normalizer()).build()) {
                    dev.graft.train.AutoRecipe.findLr(l.model(), l.spec(), r, few.size(), e -> LoaderData.batches(sweep, e));
                }
            }
            Loader tl = Loader.builder(few).transform(pr.trainTransform(r.augment())).batchSize(r.batchSize())
                    .forTraining().seed(run).workers(1).normalize(pr.normalizer()).build();
            Learner.of(l.model(), l.spec()).configure(r).quiet().fit(new LoaderData(tl, null));
            if (!parts.contains("leakloader")) tl.close();
            if (parts.contains("eval")) Evaluation.run(l.model(), target, pr, targetTest, 50, 1, x -> { });
            l.model().close();
            print(run);
            if (System.getProperty("dump") != null && run == 1) {
                Map<String, Integer> kinds = new java.util.TreeMap<>();
                for (var x : Engine.root().getManagedArrays()) kinds.merge(x.getShape() + " " + x.getDataType(), 1, Integer::sum);
                System.out.println(kinds);
            }
        }
    }

    static void print(int run) throws Exception {
        System.gc();
        Engine.releaseFreeMemory();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %d | %d |%n", run, dev.graft.bench.Memory.rssMb(),
                (rt.totalMemory() - rt.freeMemory()) >> 20, Engine.root().getManagedArrays().size(), resources(),
                Thread.activeCount());
    }

    /** The root manager's own resources (arrays and sub-managers), read from DJL's BaseNDManager. */
    static int resources() throws Exception {
        Field f = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(Engine.root())).size();
    }
}
