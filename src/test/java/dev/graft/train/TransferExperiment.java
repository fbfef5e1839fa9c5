package dev.graft.train;

import dev.graft.data.Dataset;
import dev.graft.data.IdxDataset;
import dev.graft.data.Loader;
import dev.graft.data.Subset;
import dev.graft.data.transforms.Resize;
import dev.graft.io.TensorData;
import dev.graft.nn.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a unit test: the measurement behind Graft's training defaults. Fashion-MNIST demo
 * subset (400/100 per class), ResNet-18 at 32 px. Source task: classes 0-4, trained from
 * scratch. Target task: classes 5-9 with 10 training images per class, evaluated on the 500
 * test images of those classes. Prints the target accuracy of each strategy. All runs: SGD lr
 * 0.01 momentum 0.9, StepLR(10, 0.1), 15 epochs, batch 10, Graft's defaults otherwise.
 * Measured 2026-11-23 (2 seeds, final-epoch accuracy): scratch 0.795, head 0.559 (cached: the
 * same), head with BN train 0.657, partial layer4 0.702 (BN train 0.676), finetune with
 * backbone multiplier 1 0.782, 0.1 0.706, BN eval 0.633 (multiplier 0.1), freeze 2 epochs 0.721.
 * Run: java -cp target/classes:target/test-classes:$(deps) dev.graft.train.TransferExperiment [seeds]
 */
public final class TransferExperiment {
    static final Path DEMO = Path.of("src/main/resources/dev/graft/demo");
    static final List<String> C = IdxDataset.FASHION_CLASSES;

    public static void main(String[] args) throws Exception {
        Engine.setThreads(2);
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int preEpochs = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Dataset train = IdxDataset.load(DEMO, true, C, "fashion"), test = IdxDataset.load(DEMO, false, C, "fashion");
        List<String> source = C.subList(0, 5), target = C.subList(5, 10);

        long t0 = System.nanoTime();
        Path saved = Path.of(System.getProperty("java.io.tmpdir"), "graft-fashion-source-" + preEpochs + ".safetensors");
        Map<String, TensorData> pretrained;
        if (java.nio.file.Files.exists(saved)) {
            pretrained = dev.graft.io.WeightFiles.read(saved);
        } else {
            Learner pre = Learner.create("resnet18", 5, 0).strategy(Strategy.SCRATCH).sgd(0.05, 0.9, 5e-4)
                    .oneCycle(0.05).epochs(preEpochs).listener(printer("pretrain"));
            pre.fit(data(Subset.ofClasses(train, source), Subset.ofClasses(test, source), 32, 0));
            pre.save(saved);
            pretrained = pre.model().stateDict();
            pre.model().close();
            System.out.printf(Locale.ROOT, "pretrained in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        }

        String[] names = args.length > 2 ? args[2].split(",") : new String[] {"scratch", "head", "head_cached",
                "head_bn_train", "partial_layer4", "partial_layer4_bn_train", "finetune_mult_0.1", "finetune",
                "finetune_bn_eval", "finetune_freeze2"};
        double[][] acc = new double[names.length][seeds];
        for (int s = 0; s < seeds; s++) {
            Dataset few = Subset.perClass(Subset.ofClasses(train, target), 10, 100 + s);
            Dataset eval = Subset.ofClasses(test, target);
            for (int i = 0; i < names.length; i++) {
                long t = System.nanoTime();
                Learner l = Learner.create("resnet18", 5, s).sgd(0.01, 0.9).stepLR(10, 0.1).epochs(15).seed(s);
                String n = names[i];
                if (!n.equals("scratch")) l.weights(pretrained);
                switch (n) {
                    case "scratch" -> l.strategy(Strategy.SCRATCH);
                    case "head" -> l.strategy(Strategy.HEAD);
                    case "head_cached" -> l.strategy(Strategy.HEAD).cacheFeatures(true);
                    case "finetune" -> l.strategy(Strategy.FINETUNE);
                    case "head_bn_train" -> l.strategy(Strategy.HEAD).bn(BnPolicy.TRAIN);
                    case "partial_layer4_bn_train" -> l.strategy(Strategy.PARTIAL, "layer4").bn(BnPolicy.TRAIN);
                    case "finetune_bn_eval" -> l.strategy(Strategy.FINETUNE).bn(BnPolicy.EVAL);
                    case "finetune_mult_0.1" -> l.strategy(Strategy.FINETUNE).backboneLrMult(0.1);
                    case "finetune_mult_0.01" -> l.strategy(Strategy.FINETUNE).backboneLrMult(0.01);
                    case "partial_layer4" -> l.strategy(Strategy.PARTIAL, "layer4");
                    case "finetune_freeze2" -> l.strategy(Strategy.FINETUNE).freezeEpochs(2);
                    default -> throw new IllegalStateException(n);
                }
                Fit.Result r = l.fit(data(few, eval, 10, s));
                Fit.EpochResult last = r.history().get(r.history().size() - 1);
                acc[i][s] = last.val().accuracy();
                System.out.printf(Locale.ROOT, "seed %d %-20s final val acc %.4f best %.4f (epoch %d) %.0f s%n", s, n,
                        last.val().accuracy(), r.bestAccuracy(), r.bestEpoch() + 1, (System.nanoTime() - t) / 1e9);
                l.model().close();
            }
        }
        System.out.println("| strategy | target accuracy (final epoch, mean over " + seeds + " seeds) |");
        System.out.println("|---|---|");
        for (int i = 0; i < names.length; i++) {
            double m = 0;
            for (double a : acc[i]) m += a / seeds;
            System.out.printf(Locale.ROOT, "| %s | %.3f |%n", names[i], m);
        }
    }

    static TrainData data(Dataset train, Dataset val, int batch, long seed) {
        Loader tl = Loader.builder(train).transform(new Resize(32)).batchSize(batch).shuffle(true).seed(seed).workers(0).build();
        Loader vl = Loader.builder(val).transform(new Resize(32)).batchSize(100).workers(0).build();
        return new LoaderData(tl, vl);
    }

    static FitListener printer(String what) {
        return new FitListener() {
            @Override
            public void phaseEnd(Fit.PhaseResult r) {
                System.out.printf(Locale.ROOT, "%s epoch %d %s (%.0f s)%n", what, r.epoch() + 1, r, r.seconds());
            }
        };
    }
}
