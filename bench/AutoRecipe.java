import dev.graft.data.Dataset;
import dev.graft.data.IdxDataset;
import dev.graft.data.Loader;
import dev.graft.data.Subset;
import dev.graft.data.transforms.Augment;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.eval.Evaluation;
import dev.graft.io.TensorData;
import dev.graft.models.Zoo;
import dev.graft.nn.Engine;
import dev.graft.train.Batch;
import dev.graft.train.BnPolicy;
import dev.graft.train.Fit;
import dev.graft.train.Learner;
import dev.graft.train.LoaderData;
import dev.graft.train.Recipe;
import dev.graft.train.Strategy;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.lrfind.LrCurve;
import dev.graft.train.lrfind.LrFinder;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.ParamGroup;
import dev.graft.train.optim.SGD;
import dev.graft.train.schedule.CosineLR;
import dev.graft.train.schedule.LrSchedule;
import dev.graft.train.schedule.OneCycleLR;
import dev.graft.train.schedule.StepLR;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measurement behind the automatic recipe (bench/auto-recipe.md). Protocol: a ResNet-18
 * pretrained from scratch at 32 px on SOURCE classes of Fashion-MNIST (cached in /tmp, as
 * bench/TransferDefaults.java makes it), transferred to the other classes with SHOTS labelled
 * images per class (seeded), accuracy on 200 test images per target class (the same 1000 for
 * every run). Each config is either a grid cell (name grammar in {@link #cell}) or an automatic
 * candidate ({@code auto...}, see {@link #auto}); per run it prints accuracy and wall time
 * (training + LR finder, without the evaluation).
 * Run: bench/auto-recipe.sh SOURCE_IDX SHOTS SEEDS CONFIG[,CONFIG...]
 */
public final class AutoRecipe {
    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> C = IdxDataset.FASHION_CLASSES;
    /** The preset TrainingRun uses at 32 px (resize 37, crop 32) and the one without the crop margin. */
    static Preset preset37, preset32;

    public static void main(String[] a) throws Exception {
        Engine.setThreads(Integer.parseInt(System.getProperty("threads", "2")));
        List<String> source = new ArrayList<>(), target = new ArrayList<>();
        for (int i = 0; i < 10; i++) (a[0].contains(Integer.toString(i)) ? source : target).add(C.get(i));
        int shots = Integer.parseInt(a[1]);
        // SEEDS: a count (seeds 0..n-1) or a range "first-last"
        String[] sr = a[2].split("-");
        int first = sr.length > 1 ? Integer.parseInt(sr[0]) : 0;
        int seeds = sr.length > 1 ? Integer.parseInt(sr[1]) - first + 1 : Integer.parseInt(a[2]);
        String[] configs = a[3].split(",");
        preset37 = Zoo.get("resnet18").defaultWeights().preset().scaledTo(32);
        preset32 = Preset.imagenet(32, 32, Interpolation.BILINEAR);
        Dataset train = IdxDataset.load(DATA, true, C, "fashion"), test = IdxDataset.load(DATA, false, C, "fashion");
        Map<String, TensorData> pre = source(a[0], source, train, test);
        Dataset targetTest = Subset.perClass(Subset.ofClasses(test, target), 200, 12345);
        double[][] acc = new double[configs.length][seeds];
        double[] secs = new double[configs.length];
        for (int k = 0; k < seeds; k++) {
            int s = first + k;
            Dataset few = Subset.perClass(Subset.ofClasses(train, target), shots, s);
            for (int i = 0; i < configs.length; i++) {
                long t = System.nanoTime(), cpu0 = cpuNanos();
                Run r = configs[i].startsWith("graft") ? graft(configs[i], few, target.size(), s, pre)
                        : configs[i].startsWith("auto") ? auto(configs[i], few, target.size(), s, pre)
                        : cell(configs[i], few, target.size(), s, pre);
                double sec = (System.nanoTime() - t) / 1e9, cpu = (cpuNanos() - cpu0) / 1e9;
                try {
                    acc[i][k] = Evaluation.run(r.learner.model(), target, r.evalPreset, targetTest, 250, 1, x -> { })
                            .metrics().accuracy();
                    if (System.getProperty("tta") != null) r = new Run(r.learner, r.evalPreset,
                            r.note + String.format(Locale.ROOT, " tta %.4f", flipTta(r.learner.model(), r.evalPreset, targetTest)));
                } catch (dev.graft.GraftException e) { // NaN scores: diverged, counted as chance level
                    acc[i][k] = 1.0 / target.size();
                }
                secs[i] += sec / seeds;
                System.out.printf(Locale.ROOT, "%s/%d seed %d %-44s acc %.4f train %.1f s cpu %.1f s %s%n", a[0], shots, s,
                        configs[i], acc[i][k], sec, cpu, r.note);
                r.learner.model().close();
                closeLoaders();
            }
        }
        System.out.printf("%n| source %s, %d shots | target acc, mean ± std (%d seeds) | per seed | train s |%n",
                a[0], shots, seeds);
        System.out.println("|---|---|---|---|");
        for (int i = 0; i < configs.length; i++) {
            double m = 0, v = 0;
            for (double x : acc[i]) m += x / seeds;
            for (double x : acc[i]) v += (x - m) * (x - m) / Math.max(1, seeds - 1);
            StringBuilder ps = new StringBuilder();
            for (double x : acc[i]) ps.append(String.format(Locale.ROOT, "%.3f ", x));
            System.out.printf(Locale.ROOT, "| %s | %.3f ± %.3f | %s| %.1f |%n", configs[i], m, Math.sqrt(v), ps, secs[i]);
        }
    }

    record Run(Learner learner, Preset evalPreset, String note) {}

    /** CPU time of this process, all threads: a cost measure that other processes' load does not inflate. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The source model: pretrained once per class split and cached in /tmp (same file as TransferDefaults). */
    static Map<String, TensorData> source(String digits, List<String> source, Dataset train, Dataset test) {
        // -Dsource=FILE: another source model of these classes (e.g. a run's model.safetensors, trained by graft train)
        if (System.getProperty("source") != null) return dev.graft.io.WeightFiles.read(Path.of(System.getProperty("source")));
        Path saved = Path.of("/tmp/graft-src-" + digits + "-3-1500.safetensors");
        if (Files.exists(saved)) return dev.graft.io.WeightFiles.read(saved);
        long t0 = System.nanoTime();
        Dataset src = Subset.perClass(Subset.ofClasses(train, source), 1500, 0);
        Learner l = Learner.create("resnet18", source.size(), 0).strategy(Strategy.SCRATCH).adam(0.001)
                .schedule((o, e, s) -> new CosineLR(o, LrSchedule.Unit.STEP, 0, e * s, 0, 0.01)).epochs(3);
        l.fit(data(src, preset37, Augment.NONE, 64, 0));
        double acc = Evaluation.run(l.model(), source, preset37, Subset.ofClasses(test, source), 250, 1, i -> { })
                .metrics().accuracy();
        System.out.printf(Locale.ROOT, "SOURCE %s: train %.0f s, source test acc %.4f%n", digits,
                (System.nanoTime() - t0) / 1e9, acc);
        l.save(saved);
        Map<String, TensorData> pre = l.model().stateDict();
        l.model().close();
        closeLoaders();
        return pre;
    }

    /**
     * A grid cell: {@code strategy[_layer4][_bnP][_multM][_lrX][_wdX][_lsX][_bsN][_epN][_step|_cos|_oc][_fzK][_ev32]}.
     * Defaults: SGD momentum 0.9, lr 0.01, wd 0, BN per strategy (auto), multiplier 0.1, batch 16,
     * 30 epochs, StepLR at 2/3 (step), light augmentation, eval preset resize 37 / crop 32.
     * cos: linear warmup over 5% of the steps then cosine to 0, per step; oc: one-cycle per step
     * (max lr per group); fzK: K epochs head only (frozen backbone, same schedule: Learner.freezeEpochs);
     * ev32: train and eval without the crop margin (resize 32, no centre crop).
     */
    static Run cell(String name, Dataset few, int classes, long seed, Map<String, TensorData> pre) {
        String[] p = name.split("_");
        Strategy st = Recipe.parse(Strategy.class, p[0]);
        Learner l = Learner.create("resnet18", classes, seed);
        if (st != Strategy.SCRATCH) l.weights(pre);
        double lr = 0.01, mult = 0.1, wd = 0, ls = 0;
        int epochs = 30, batch = 16, fz = 0;
        String group = null, sched = "step";
        BnPolicy bn = BnPolicy.forStrategy(st);
        Preset pr = preset37;
        Augment aug = Augment.LIGHT;
        for (int i = 1; i < p.length; i++) {
            String q = p[i];
            if (q.startsWith("layer")) group = q;
            else if (q.startsWith("bn")) bn = Recipe.parse(BnPolicy.class, q.substring(2));
            else if (q.startsWith("mult")) mult = Double.parseDouble(q.substring(4));
            else if (q.startsWith("lr")) lr = Double.parseDouble(q.substring(2));
            else if (q.startsWith("wd")) wd = Double.parseDouble(q.substring(2));
            else if (q.startsWith("ls")) ls = Double.parseDouble(q.substring(2));
            else if (q.startsWith("bs")) batch = Integer.parseInt(q.substring(2));
            else if (q.startsWith("ep")) epochs = Integer.parseInt(q.substring(2));
            else if (q.startsWith("fz")) fz = Integer.parseInt(q.substring(2));
            else if (q.equals("step") || q.equals("cos") || q.equals("oc")) sched = q;
            else if (q.equals("ev32")) pr = preset32;
            else if (q.equals("noaug")) aug = Augment.NONE;
            else throw new IllegalArgumentException(q);
        }
        final double wdf = wd;
        final int ep = epochs;
        l.strategy(st, group).bn(bn).backboneLrMult(mult).epochs(epochs).seed(seed).freezeEpochs(fz)
                .optimizer(lr, g -> new SGD(g, 0.01, 0.9, wdf)).loss(new CrossEntropyLoss(null, ls));
        switch (sched) {
            case "step" -> l.stepLR(Math.max(1, ep * 2 / 3), 0.1);
            case "cos" -> l.schedule((o, e, s) -> cosine(o, e * s));
            default -> l.schedule((o, e, s) -> oneCycle(o, e * s));
        }
        l.fit(data(few, pr, aug, batch, seed));
        return new Run(l, pr, "");
    }

    static LrSchedule cosine(Optimizer o, int total) {
        return new CosineLR(o, LrSchedule.Unit.STEP, Math.max(1, total / 20), total, 0, 0.1);
    }

    static LrSchedule oneCycle(Optimizer o, int total) {
        for (ParamGroup g : o.groups()) g.set("max_lr", g.lr());
        return new OneCycleLR(o, o.groups().get(o.groups().size() - 1).lr(), total);
    }

    /**
     * An automatic candidate, {@code auto[_fixedX][_fxF][_2ph][_wdX][_lsX][_bsN][_epN][_step][_ev32]}: finetune, BN eval,
     * backbone multiplier 0.1, batch clamp(N/5, 8, 32), 30 epochs, warmup + cosine per step, SGD momentum 0.9,
     * wd 5e-4, light augmentation, rate = the finder's suggestion over the fine-tune groups (36 steps,
     * 1e-6..1, on augmented training batches) times fxF (default 1), clamped to [1e-3, 0.1], 0.01 when it
     * has none; fixedX: rate X without the finder.
     * 2ph: fastai's fine_tune: 20% of the epochs head only (frozen backbone, its own warmup+cosine at the rate),
     * then everything with a fresh warmup+cosine at rate/2, backbone multiplier 0.1.
     */
    static Run auto(String name, Dataset few, int classes, long seed, Map<String, TensorData> pre) {
        int n = few.size();
        int batch = Math.max(8, Math.min(32, n / 5)), epochs = 30;
        double wd = 5e-4, ls = 0, fixed = Double.NaN, mult = 0.1, fx = 1;
        boolean twoPhase = false;
        String sched = "cos";
        Preset pr = preset37;
        for (String q : name.split("_")) {
            if (q.equals("auto")) continue;
            if (q.startsWith("fixed")) fixed = Double.parseDouble(q.substring(5));
            else if (q.equals("2ph")) twoPhase = true;
            else if (q.startsWith("fx")) fx = Double.parseDouble(q.substring(2));
            else if (q.startsWith("wd")) wd = Double.parseDouble(q.substring(2));
            else if (q.startsWith("ls")) ls = Double.parseDouble(q.substring(2));
            else if (q.startsWith("bs")) batch = Integer.parseInt(q.substring(2));
            else if (q.startsWith("ep")) epochs = Integer.parseInt(q.substring(2));
            else if (q.startsWith("mult")) mult = Double.parseDouble(q.substring(4));
            else if (q.equals("step")) sched = q;
            else if (q.equals("ev32")) pr = preset32;
            else throw new IllegalArgumentException(q);
        }
        LoaderData data = data(few, pr, Augment.LIGHT, batch, seed);
        CrossEntropyLoss loss = new CrossEntropyLoss(null, ls);
        Learner l = Learner.create("resnet18", classes, seed);
        l.weights(pre);
        double lr = fixed;
        String note = "";
        if (Double.isNaN(fixed)) {
            Strategy st = twoPhase ? Strategy.HEAD : Strategy.FINETUNE;
            lr = find(l, st, mult, data, loss, seed);
            note = String.format(Locale.ROOT, "finder %.2g", lr);
            if (Double.isNaN(lr)) lr = 0.01;
            lr = Math.max(1e-3, Math.min(0.1, lr * fx));
        }
        final double wdf = wd, lrf = lr;
        final String sch = sched;
        if (!twoPhase) {
            l.strategy(Strategy.FINETUNE).bn(BnPolicy.EVAL).backboneLrMult(mult).epochs(epochs).seed(seed).loss(loss)
                    .optimizer(lr, g -> new SGD(g, lrf, 0.9, wdf))
                    .schedule((o, e, s) -> sch.equals("cos") ? cosine(o, e * s) : new StepLR(o, Math.max(1, e * 2 / 3), 0.1));
            l.fit(data);
        } else {
            int head = Math.max(1, epochs / 5);
            l.strategy(Strategy.HEAD).epochs(head).seed(seed).loss(loss).optimizer(lr, g -> new SGD(g, lrf, 0.9, wdf))
                    .schedule((o, e, s) -> cosine(o, e * s));
            l.fit(data);
            Learner body = Learner.of(l.model(), l.spec()).strategy(Strategy.FINETUNE).bn(BnPolicy.EVAL)
                    .backboneLrMult(mult).epochs(epochs - head).seed(seed + 1000).loss(loss)
                    .optimizer(lr / 2, g -> new SGD(g, lrf / 2, 0.9, wdf)).schedule((o, e, s) -> cosine(o, e * s));
            body.fit(data);
            l = body;
        }
        return new Run(l, pr, note + String.format(Locale.ROOT, " lr %.3g batch %d", lr, batch));
    }

    /**
     * {@code graft}: the shipped automatic recipe ({@link dev.graft.train.AutoRecipe}) as {@code graft train
     * TARGET --weights SOURCE_RUN --strategy finetune} resolves it (a run's weights at 32 px, native size 28),
     * with its LR finder on batches of max(B, 16); final-step weights (no validation split).
     * {@code graft_minF}: the same sweep, but the rate is the sweep's minimum / F within [1e-3, 0.1] (a candidate rule;
     * {@code graft_min2} is the shipped one). {@code graft_scratch[_minF]}: the automatic recipe without weights; {@code _bsN}: with batch N; {@code _epN}: N epochs; {@code _fsX}: a finder of X x the run's images; {@code _bmX}: backbone at X x the head's rate; {@code _bnP}: BatchNorm policy P (train, eval); {@code _startX}: the sweep from X; {@code _lsX}: label smoothing X; {@code _zhoff}: the new head at PyTorch's random init (the
     * shipped recipe starts it at zero with weights); {@code _zt}: random for the sweep, zeroed after it;
     * (the seventh session's logs call the shipped recipe {@code graft_zh_ls0.1}, and the sixth
     * session's rule is {@code graft_ls0_zhoff}); {@code _lrX}: train at rate X after the sweep (a per-seed rate grid; -Dcurve prints the sweep).
     */
    static Run graft(String name, Dataset few, int classes, long seed, Map<String, TensorData> pre) {
        boolean scratch = name.contains("_scratch");
        var facts = new dev.graft.train.AutoRecipe.Facts(few.size(), classes, 28,
                scratch ? dev.graft.train.AutoRecipe.Source.NONE : dev.graft.train.AutoRecipe.Source.RUN, scratch ? 0 : 32, true);
        Recipe.Builder given = Recipe.builder("bench", "resnet18").weights(scratch ? "none" : "run")
                .strategy(scratch ? Strategy.SCRATCH : Strategy.FINETUNE).seed(seed).workers(1).valSplit(0.0);
        int bs = name.indexOf("_bs");
        if (bs >= 0) given.batchSize(Integer.parseInt(name.substring(bs + 3).split("_")[0]));
        int bm = name.indexOf("_bm");
        if (bm >= 0) given.backboneLrMult(Double.parseDouble(name.substring(bm + 3).split("_")[0]));
        if (name.contains("_zhoff") || name.contains("_zt")) given.zeroHead(false);
        int bn = name.indexOf("_bn");
        if (bn >= 0) given.bn(Recipe.parse(BnPolicy.class, name.substring(bn + 3).split("_")[0]));
        int ls = name.indexOf("_ls");
        if (ls >= 0) given.labelSmoothing(Double.parseDouble(name.substring(ls + 3).split("_")[0]));
        int ep = name.indexOf("_ep");
        if (ep >= 0) given.epochs(Integer.parseInt(name.substring(ep + 3).split("_")[0]));
        Recipe r = dev.graft.train.AutoRecipe.resolve(given, facts);
        Preset pr = r.fullImageEval() ? preset32 : preset37;
        Learner l = Learner.create("resnet18", classes, seed);
        if (!scratch) l.weights(pre);
        dev.graft.train.Heads.forRecipe(l.model(), r, classes, true); // as graft train: the new head from zero with weights
        Loader sweep = Loader.builder(few).transform(pr.trainTransform(r.augment()))
                .batchSize(dev.graft.train.AutoRecipe.finderBatch(r)).forTraining()
                .seed(seed + 1).workers(1).normalize(pr.normalizer()).build();
        // _fsX: the finder's budget as a share X of the run's images instead of FINDER_SHARE
        int fs = name.indexOf("_fs");
        int budget = fs < 0 ? few.size() : (int) Math.round(few.size()
                * Double.parseDouble(name.substring(fs + 3).split("_")[0]) / dev.graft.train.AutoRecipe.FINDER_SHARE);
        // _startX: the sweep starts at X instead of AutoRecipe.FINDER_START
        int st = name.indexOf("_start");
        double start = st < 0 ? dev.graft.train.AutoRecipe.FINDER_START : Double.parseDouble(name.substring(st + 6).split("_")[0]);
        // as graft train: no sweep below AutoRecipe.FINDER_MIN_IMAGES images
        var found = dev.graft.train.AutoRecipe.sweeps(few.size())
                ? dev.graft.train.AutoRecipe.findLr(l.model(), l.spec(), r, budget, e -> LoaderData.batches(sweep, e), start)
                : dev.graft.train.AutoRecipe.Found.skipped(null);
        sweep.close();
        if (name.contains("_zt")) // _zt: the head is zeroed after the sweep (the sweep sees the random head)
            l.model().namedParameters().forEach((k, p) -> {
                if (k.startsWith(l.model().headPath() + ".")) p.set(p.array().zerosLike());
            });
        if (System.getProperty("curve") != null && found.curve() != null) { // the sweep itself, to compare suggestion rules offline
            StringBuilder sb = new StringBuilder("CURVE seed " + seed);
            for (int i = 0; i < found.curve().lrs().length; i++)
                sb.append(String.format(Locale.ROOT, " %.4g:%.5g", found.curve().lrs()[i], found.curve().losses()[i]));
            System.out.println(sb);
        }
        int min = name.indexOf("_min");
        double lr = min >= 0 ? Math.min(0.1, Math.max(1e-3, found.curve().minimumLr()
                / Double.parseDouble(name.substring(min + 4).split("_")[0]))) : found.lr();
        // _lrX: train at X (the sweep still runs, so everything else is the same as the automatic run)
        int fixed = name.indexOf("_lr");
        if (fixed >= 0) lr = Double.parseDouble(name.substring(fixed + 3).split("_")[0]);
        r = r.toBuilder().lr(Double.isNaN(lr) ? found.lr() : lr).build();
        Learner.of(l.model(), l.spec()).configure(r).fit(data(few, pr, r.augment(), r.batchSize(), seed));
        return new Run(l, pr, String.format(Locale.ROOT, "lr %.3g (%s) batch %d epochs %d", r.lr(), found.how(),
                r.batchSize(), r.epochs()));
    }

    /** The finder's suggestion for the strategy's parameter groups (model and BN state restored after). */
    static double find(Learner l, Strategy st, double mult, LoaderData data, CrossEntropyLoss loss, long seed) {
        st.apply(l.model(), l.spec(), null, st == Strategy.HEAD ? BnPolicy.FROZEN : BnPolicy.EVAL);
        SGD opt = new SGD(st.paramGroups(l.model(), l.spec(), 0.01, mult), 0.01, 0.9, 5e-4);
        Fit fit = new Fit(l.model(), opt, loss);
        l.model().train();
        Iterator<Batch>[] it = new Iterator[] {null};
        int[] epoch = {1000};
        LrCurve c = new LrFinder().range(1e-6, 1).steps(36).run(l.model(), opt, () -> {
            if (it[0] == null || !it[0].hasNext()) it[0] = data.train(epoch[0]++).iterator();
            return it[0].next();
        }, b -> fit.trainStep(b).loss());
        opt.close();
        StringBuilder sb = new StringBuilder("FINDER");
        double[] sm = c.smoothed();
        for (int i = 0; i < c.lrs().length; i++) sb.append(String.format(Locale.ROOT, " %.1e:%.3f/%.3f", c.lrs()[i], c.losses()[i], sm[i]));
        System.out.println(sb + " -> " + c.suggestion() + " (" + c.stopReason() + ")");
        if (System.getProperty("plot") != null) {
            dev.graft.report.Plots.writePng(dev.graft.train.lrfind.LrCurvePlot.png(c, Double.NaN),
                    Path.of(System.getProperty("plot") + "-seed" + seed + ".png"));
        }
        return c.suggestion();
    }

    /** Accuracy with flip test-time augmentation: the mean of the softmax of the image and of its mirror. */
    static double flipTta(dev.graft.models.ImageModel m, Preset pr, Dataset test) {
        int correct = 0;
        try (dev.graft.eval.Inference inf = dev.graft.eval.Inference.open(m,
                x -> m.forward(x).softmax(1).add(m.forward(x.flip(3)).softmax(1)));
             Loader l = Loader.builder(test).transform(pr.evalTransform()).batchSize(250).shuffle(false).workers(1)
                     .normalize(pr.normalizer()).build()) {
            for (dev.graft.data.Batch b : l.epoch(0)) {
                try (b) {
                    correct += inf.logits(b.data(), b.shape()).correct(b.labels());
                }
            }
        }
        return correct / (double) test.size();
    }

    /** The training loaders {@link #data} opened for the current run (each holds a worker thread until closed). */
    static final List<Loader> OPEN = new ArrayList<>();

    static LoaderData data(Dataset d, Preset pr, Augment aug, int batch, long seed) {
        Loader tl = Loader.builder(d).transform(pr.trainTransform(aug)).batchSize(batch).forTraining().seed(seed)
                .workers(1).normalize(pr.normalizer()).build();
        OPEN.add(tl);
        return new LoaderData(tl, null);
    }

    static void closeLoaders() {
        OPEN.forEach(Loader::close);
        OPEN.clear();
    }
}
