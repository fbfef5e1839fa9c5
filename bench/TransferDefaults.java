import dev.graft.data.Dataset;
import dev.graft.data.IdxDataset;
import dev.graft.data.Loader;
import dev.graft.data.Subset;
import dev.graft.data.transforms.Augment;
import dev.graft.data.transforms.Preset;
import dev.graft.eval.Evaluation;
import dev.graft.io.TensorData;
import dev.graft.models.Zoo;
import dev.graft.nn.Engine;
import dev.graft.train.BnPolicy;
import dev.graft.train.Fit;
import dev.graft.train.Learner;
import dev.graft.train.LoaderData;
import dev.graft.train.Strategy;
import dev.graft.train.schedule.CosineLR;
import dev.graft.train.schedule.LrSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measurement behind Graft's transfer defaults and the demo (see bench/transfer-defaults.md).
 * Source: ResNet-18 from scratch at 32 px on SOURCE classes of Debian's full Fashion-MNIST
 * (PER images per class, Adam 1e-3, cosine, batch 64, no augmentation). Target: the other
 * classes, 10 labelled images per class sampled with the seed, 15 epochs, batch 16, light
 * augmentation, StepLR(10, 0.1), no validation phase (final-epoch weights), accuracy on the
 * full official test split of the target classes (1000 per class). Same preprocessing as
 * TrainingRun (torchvision preset scaled to 32 px, ImageNet mean/std).
 * Run: bench/transfer-defaults.sh SOURCE_IDX PRE_EPOCHS PER SEEDS CONFIGS
 */
public final class TransferDefaults {
    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> C = IdxDataset.FASHION_CLASSES;
    static Preset preset;

    public static void main(String[] a) throws Exception {
        Engine.setThreads(2);
        List<String> source = new ArrayList<>(), target = new ArrayList<>();
        for (int i = 0; i < 10; i++) (a[0].contains(Integer.toString(i)) ? source : target).add(C.get(i));
        int preEpochs = Integer.parseInt(a[1]), per = Integer.parseInt(a[2]), seeds = Integer.parseInt(a[3]);
        String[] configs = a[4].split(",");
        preset = Zoo.get("resnet18").defaultWeights().preset().scaledTo(32);
        Dataset train = IdxDataset.load(DATA, true, C, "fashion"), test = IdxDataset.load(DATA, false, C, "fashion");

        Path saved = Path.of("/tmp/graft-src-" + a[0] + "-" + preEpochs + "-" + per + ".safetensors");
        Map<String, TensorData> pre;
        if (Files.exists(saved)) {
            pre = dev.graft.io.WeightFiles.read(saved);
        } else {
            long t0 = System.nanoTime();
            Dataset src = Subset.perClass(Subset.ofClasses(train, source), per, 0);
            Learner l = Learner.create("resnet18", source.size(), 0).strategy(Strategy.SCRATCH).adam(0.001)
                    .schedule((o, e, s) -> new CosineLR(o, LrSchedule.Unit.STEP, 0, e * s, 0, 0.01)).epochs(preEpochs);
            l.fit(data(src, Augment.NONE, 64, 0));
            double secs = (System.nanoTime() - t0) / 1e9;
            double acc = Evaluation.run(l.model(), source, preset, Subset.ofClasses(test, source), 250, 2, i -> { })
                    .metrics().accuracy();
            System.out.printf(Locale.ROOT, "SOURCE %s (%s) epochs %d per-class %d: train %.0f s, source test acc %.4f%n",
                    a[0], String.join("/", source), preEpochs, per, secs, acc);
            l.save(saved);
            pre = l.model().stateDict();
            l.model().close();
        }

        Dataset targetTest = Subset.ofClasses(test, target);
        double[][] acc = new double[configs.length][seeds];
        double[] secs = new double[configs.length];
        for (int s = 0; s < seeds; s++) {
            Dataset few = Subset.perClass(Subset.ofClasses(train, target), 10, s);
            for (int i = 0; i < configs.length; i++) {
                long t = System.nanoTime();
                Learner l = configure(configs[i], target.size(), s, pre);
                l.fit(data(few, Augment.LIGHT, batchSize(configs[i]), s));
                try {
                    acc[i][s] = Evaluation.run(l.model(), target, preset, targetTest, 250, 2, x -> { }).metrics().accuracy();
                } catch (dev.graft.GraftException e) { // NaN scores: diverged, counted as chance level
                    System.out.println("seed " + s + " " + configs[i] + " DIVERGED: " + e.getMessage());
                    acc[i][s] = 1.0 / target.size();
                }
                secs[i] += (System.nanoTime() - t) / 1e9 / seeds;
                System.out.printf(Locale.ROOT, "seed %d %-28s target test acc %.4f (%.0f s)%n", s, configs[i], acc[i][s],
                        (System.nanoTime() - t) / 1e9);
                l.model().close();
            }
        }
        System.out.printf("%n| source %s, %d ep x %d/class | target test acc, mean ± std over %d seeds | per seed | s/run |%n",
                a[0], preEpochs, per, seeds);
        System.out.println("|---|---|---|---|");
        for (int i = 0; i < configs.length; i++) {
            double m = 0, v = 0;
            for (double x : acc[i]) m += x / seeds;
            for (double x : acc[i]) v += (x - m) * (x - m) / Math.max(1, seeds - 1);
            StringBuilder ps = new StringBuilder();
            for (double x : acc[i]) ps.append(String.format(Locale.ROOT, "%.3f ", x));
            System.out.printf(Locale.ROOT, "| %s | %.3f ± %.3f | %s| %.0f |%n", configs[i], m, Math.sqrt(v), ps, secs[i]);
        }
    }

    /**
     * name: strategy[_layer4][_bnPOLICY][_multX][_lrX][_adam][_bsN][_epN], e.g. finetune_bneval_mult0.1_lr0.001;
     * defaults SGD lr 0.01 momentum 0.9, BN frozen, multiplier 1, batch 16, 15 epochs with StepLR(10, 0.1)
     * (epN: StepLR at 2/3 of N).
     */
    static Learner configure(String name, int classes, long seed, Map<String, TensorData> pre) {
        String[] p = name.split("_");
        Strategy st = Strategy.parse(p[0]);
        Learner l = Learner.create("resnet18", classes, seed);
        if (st != Strategy.SCRATCH) l.weights(pre);
        double lr = 0.01, mult = 1;
        int epochs = 15, step = 10;
        boolean adam = false;
        String group = null;
        BnPolicy bn = BnPolicy.FROZEN;
        for (int i = 1; i < p.length; i++) {
            if (p[i].startsWith("layer")) group = p[i];
            else if (p[i].startsWith("bn")) bn = BnPolicy.parse(p[i].substring(2));
            else if (p[i].startsWith("mult")) mult = Double.parseDouble(p[i].substring(4));
            else if (p[i].startsWith("lr")) lr = Double.parseDouble(p[i].substring(2));
            else if (p[i].equals("adam")) adam = true;
            else if (p[i].startsWith("bs")) continue; // read by batchSize()
            else if (p[i].startsWith("ep")) { epochs = Integer.parseInt(p[i].substring(2)); step = epochs * 2 / 3; }
            else throw new IllegalArgumentException(p[i]);
        }
        l.strategy(st, group).bn(bn).backboneLrMult(mult).epochs(epochs).seed(seed).stepLR(step, 0.1);
        if (adam) l.adam(lr); else l.sgd(lr, 0.9);
        return l;
    }

    static int batchSize(String name) {
        for (String p : name.split("_")) if (p.startsWith("bs")) return Integer.parseInt(p.substring(2));
        return 16;
    }

    static LoaderData data(Dataset d, Augment aug, int batch, long seed) {
        Loader tl = Loader.builder(d).transform(preset.trainTransform(aug)).batchSize(batch).shuffle(true).seed(seed)
                .workers(1).normalize(preset.normalizer()).build();
        return new LoaderData(tl, null);
    }
}
