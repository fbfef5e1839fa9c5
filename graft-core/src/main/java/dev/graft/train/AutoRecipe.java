package dev.graft.train;

import dev.graft.data.Dataset;
import dev.graft.data.transforms.Augment;
import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.train.loss.CrossEntropyLoss;
import dev.graft.train.lrfind.LrCurve;
import dev.graft.train.lrfind.LrFinder;
import dev.graft.train.optim.Optimizer;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The automatic recipe ({@code --recipe auto}, the default): the fields the user did not set
 * are chosen from the data, following the decision table of {@code bench/auto-recipe.md}
 * (one method per row, so a new measurement changes one rule). Inputs are a {@link Facts}
 * summary: training images N, classes K, the images' native size S, where the weights come
 * from and their image size. Rules: image size = the weights' own (a zoo preset's crop, a
 * run's image size) or S rounded up to a multiple of 8 (at least 32) without weights; batch
 * clamp(N/5, 8, 16) below 1000 images, 32 from 1000; 30 epochs up to 1000 images, else
 * max(5, 30000/N); SGD momentum 0.9, weight decay 5e-4, warmup + cosine per step; BatchNorm by
 * strategy; fine-tuning with the backbone at a tenth of the head's rate and the weights' BatchNorm
 * statistics, or the whole model alike from {@link #WHOLE_MODEL_IMAGES} images; with pretrained
 * weights, label smoothing 0.1 and a new head starting at zero; light augmentation and evaluation on the full image (no crop margin) for images of at
 * most 64 px, the standard augmentation above; the feature cache when the backbone is frozen and the
 * input deterministic; the learning rate from the {@link LrFinder} ({@link #findLr}): the rate
 * where the sweep's smoothed loss is lowest, within [1e-3, 0.1], 0.01 when the curve shows no
 * valley (measured against half of it and 3 x the suggestion, bench/auto-recipe.md), and 0.01
 * without a sweep below {@link #FINDER_MIN_IMAGES} images. Explicit
 * options override any of these ({@link Recipe.Builder#build(Recipe)}).
 */
public final class AutoRecipe {
    /**
     * Sweep of the built-in finder: rates 1e-5..1 over 20-48 steps of the run's batch size, at most
     * {@code FINDER_SHARE} of the images the run will train on, so the finder never costs more
     * than 0.2 of the run beyond its minimum sweep (bench/auto-recipe.md: a sweep of 0.2 chose
     * rates as good as one of 0.4 over 15 seeds, in half the time).
     */
    public static final int FINDER_MIN_STEPS = 20, FINDER_MAX_STEPS = 48;
    /**
     * Below this many training images the run does not sweep and trains at {@link #FALLBACK_LR}: on
     * 25 images (batches of 8) the sweep's minimum is batch noise (its valley no deeper than the
     * noise of single steps) and trained 0.019 lower than 0.01 over 3 splits x 10 seeds, 0.069 lower
     * on one (bench/auto-recipe.md); at 50 images it is as good as the best fixed rate.
     */
    public static final int FINDER_MIN_IMAGES = 40;
    public static final double FINDER_SHARE = 0.2;
    /**
     * Rules 7 and 8: from this many training images fine-tuning trains the whole model alike, the
     * backbone at the head's rate with batch statistics; below it the backbone at a tenth with the
     * weights' running statistics. Measured (bench/auto-recipe.md, eighth session, paired over 4-9
     * seeds): at 250 images +0.013 and +0.019 on two splits (above the recipe's own run without
     * weights, which the tenth was not), at 150 +0.012 and +0.016; at 100 -0.009, -0.008, +0.014 on three, at 50 -0.004 on average.
     */
    public static final int WHOLE_MODEL_IMAGES = 150;
    /** Rule 10: label smoothing of the cross-entropy with pretrained weights (see {@link #labelSmoothing}). */
    public static final double LABEL_SMOOTHING = 0.1;
    public static final double FINDER_START = 1e-5, FINDER_END = 1, FALLBACK_LR = 0.01, MIN_LR = 1e-3, MAX_LR = 0.1;

    private AutoRecipe() { }

    /** Where the weights come from: a published or file preset, a Graft run, or none (scratch). */
    public enum Source { PRESET, RUN, NONE }

    /**
     * What the rules look at: training images, classes, the images' native size (median
     * shorter side), the weights' source and their image size (0 without weights), and whether
     * the model's head is new (the weights' own head did not fit the classes) or the weights' own.
     */
    public record Facts(int images, int classes, int nativeSize, Source source, int weightsImageSize, boolean newHead) {
        /** The native size of a dataset: the median shorter side of up to 32 evenly spaced images. */
        public static int nativeSize(Dataset d) {
            int n = d.size(), k = Math.min(32, n);
            List<Integer> sides = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                try {
                    var im = d.image((int) ((long) j * n / k));
                    sides.add(Math.min(im.width(), im.height()));
                } catch (java.io.IOException e) {
                    // an unreadable image says nothing about the size of the others
                }
            }
            if (sides.isEmpty()) return 224;
            sides.sort(null);
            return sides.get(sides.size() / 2);
        }
    }

    /** The recipe: {@code given}'s fields, every unset one chosen by the table for these facts. */
    public static Recipe resolve(Recipe.Builder given, Facts f) {
        Recipe r = given.build();
        // two passes: rules that depend on other fields (warmup on epochs, BatchNorm on batch) see final values
        for (int pass = 0; pass < 2; pass++) r = given.build(decide(f, r));
        return r;
    }

    /** {@code current} with every field of the table set by its rule (the others kept). */
    static Recipe decide(Facts f, Recipe current) {
        Augment augment = current.augment() == Augment.NONE ? Augment.NONE : augment(f);
        return current.toBuilder().imageSize(imageSize(f)).batchSize(batch(f)).epochs(epochs(f))
                .optimizer(OptimizerKind.SGD).lr(FALLBACK_LR).momentum(0.9).weightDecay(5e-4)
                .schedule(ScheduleKind.COSINE).warmupEpochs(warmupEpochs(current.epochs()))
                .backboneLrMult(backboneLrMult(f, current.strategy())).bn(bn(f, current.strategy(), current.batchSize()))
                .augment(augment).fullImageEval(fullImageEval(f)).labelSmoothing(labelSmoothing(f)).zeroHead(zeroHead(f))
                .cacheFeatures(cache(current.strategy(), augment, current.freezeEpochs(), current.cacheViews())).build();
    }

    /** Rule 1: the weights' own size; without weights S rounded up to a multiple of 8, at least 32. */
    static int imageSize(Facts f) {
        if (f.source() != Source.NONE && f.weightsImageSize() > 0) return f.weightsImageSize();
        return Math.max(32, (f.nativeSize() + 7) / 8 * 8);
    }

    /**
     * Rule 2: clamp(N / 5, 8, 16) below 1000 images (at least 5 steps per epoch on tiny sets; small
     * sets gain from the steps of small batches, measured at 10 and 50 shots), 32 from 1000 images.
     */
    static int batch(Facts f) { return f.images() >= 1000 ? 32 : Math.max(8, Math.min(16, f.images() / 5)); }

    /** Rule 5: 30 epochs up to 1000 images, else max(5, round(30000 / N)). */
    static int epochs(Facts f) {
        return f.images() <= 1000 ? 30 : (int) Math.max(5, Math.min(30, Math.round(30000.0 / f.images())));
    }

    /** Rule 4: warmup over about a twentieth of the run, in whole epochs (none for a 1-epoch run). */
    static int warmupEpochs(int epochs) { return epochs > 1 ? (int) Math.max(1, Math.round(epochs / 20.0)) : 0; }

    /**
     * Rule 7: fine-tuning trains the backbone at a tenth of the head's rate below {@link #WHOLE_MODEL_IMAGES}
     * images and at the head's rate from there on (with rule 8's batch statistics: the weights are a
     * starting point, the whole model learns); partial fine-tuning keeps a tenth.
     */
    static double backboneLrMult(Facts f, Strategy s) { return wholeModel(f, s) ? 1.0 : Strategy.DEFAULT_BACKBONE_LR_MULT; }

    /** Rules 7 and 8: whether fine-tuning trains the whole model alike ({@link #WHOLE_MODEL_IMAGES} images or more). */
    static boolean wholeModel(Facts f, Strategy s) { return s == Strategy.FINETUNE && f.images() >= WHOLE_MODEL_IMAGES; }

    /**
     * Rule 8: fine-tuning normalises with the weights' running statistics below {@link #WHOLE_MODEL_IMAGES}
     * images, and with batch statistics from there on when the batch has at least 16 images.
     */
    static BnPolicy bn(Facts f, Strategy s, int batch) {
        if (s == Strategy.FINETUNE) return wholeModel(f, s) && batch >= 16 ? BnPolicy.TRAIN : BnPolicy.EVAL;
        return BnPolicy.forStrategy(s);
    }

    /** Rule 6: pad-crop + flip for small images, RandomResizedCrop + flip above 64 px. */
    static Augment augment(Facts f) { return f.nativeSize() <= 64 ? Augment.LIGHT : Augment.STANDARD; }

    /** Rule 6: small images are evaluated whole, at the scale they were trained at. */
    static boolean fullImageEval(Facts f) { return f.nativeSize() <= 64; }

    /**
     * Rule 13: a new head on pretrained weights starts at zero (BiT), so the first steps train the
     * head and leave the features alone; with label smoothing (rule 10) it measured +0.014 to
     * +0.024 at 10 shots on three splits (10 seeds, bench/auto-recipe.md), neither alone as much.
     */
    static boolean zeroHead(Facts f) { return f.source() != Source.NONE && f.newHead(); }

    /**
     * Rule 10: label smoothing 0.1 with pretrained weights (with rule 13); none from scratch, where it
     * measured +0.006 and -0.017 at 10 shots (splits A and C, bench/auto-recipe.md).
     */
    static double labelSmoothing(Facts f) { return f.source() != Source.NONE ? LABEL_SMOOTHING : 0.0; }

    /** Rule 12: the feature cache when the backbone is frozen and its input deterministic. */
    static boolean cache(Strategy s, Augment a, int freezeEpochs, int cacheViews) {
        return s == Strategy.HEAD && a == Augment.NONE && freezeEpochs == 0 && cacheViews == 0;
    }

    /**
     * Rule 3: the rate at the sweep's minimum within [1e-3, 0.1] (3 significant digits); 0.01 when
     * the curve shows no valley (no suggestion); 3 x the suggestion when the minimum is unknown.
     */
    public static double lrFrom(double suggestion, double minimumLr) {
        if (!(suggestion > 0)) return FALLBACK_LR;
        // 3 significant digits, so the printed options repeat the run exactly
        return Double.parseDouble(fmt(Math.min(MAX_LR, Math.max(MIN_LR, unclamped(suggestion, minimumLr)))));
    }

    /** The rate rule 3 reads off the sweep before the clamp: the minimum, else 3 x the suggestion. */
    private static double unclamped(double suggestion, double minimumLr) {
        return minimumLr > 0 ? minimumLr : 3 * suggestion;
    }

    /**
     * The finder's batch size: the run's own, since the best rate depends on the batch size (a
     * sweep at 16 images chose rates too high for runs at 8, bench/auto-recipe.md).
     */
    public static int finderBatch(Recipe r) { return r.batchSize(); }

    /** Whether a run on {@code images} training images runs the finder (else it trains at the fallback rate). */
    public static boolean sweeps(int images) { return images >= FINDER_MIN_IMAGES; }

    /** The finder's steps for a run on {@code images} training images: its share of the run, within 20-48. */
    public static int finderSteps(Recipe r, int images) {
        double budget = FINDER_SHARE * r.epochs() * images / finderBatch(r);
        return (int) Math.max(FINDER_MIN_STEPS, Math.min(FINDER_MAX_STEPS, Math.round(budget)));
    }

    /**
     * What the finder found: the rate to train at, the sweep (null when the run did not sweep), and
     * whether the rate comes from the sweep ({@code false} below {@link #FINDER_MIN_IMAGES} images,
     * where {@code graft lr-find} still shows a sweep, for information).
     */
    public record Found(double lr, LrCurve curve, boolean fromSweep) {
        /** The rate rule 3 reads off {@code curve}. */
        public static Found of(LrCurve curve) {
            return new Found(lrFrom(curve.suggestion(), curve.minimumLr()), curve, true);
        }

        /** Too few images for a sweep ({@link #sweeps}): the fallback rate; {@code curve} may be null. */
        public static Found skipped(LrCurve curve) { return new Found(FALLBACK_LR, curve, false); }

        /** The rate, how it was found and the sweep (when there is one), for run.json and {@code lr-find --json}. */
        public java.util.Map<String, Object> toJson() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("lr", lr);
            m.put("how", how());
            if (curve != null) {
                m.put("minimum", curve.minimumLr());
                m.put("steepest", curve.suggestion());
                m.put("stop", curve.stopReason());
                m.put("lrs", curve.lrs());
                m.put("losses", curve.losses());
            }
            return m;
        }

        public String how() {
            if (!fromSweep) {
                return "no LR finder: below " + FINDER_MIN_IMAGES + " images its sweep is noise; the default rate"
                        + (curve == null ? "" : "; this sweep's minimum, " + fmt(curve.minimumLr()) + ", is for information only");
            }
            double s = curve.suggestion(), m = curve.minimumLr();
            if (Double.isNaN(s)) return "LR finder: no valley in the sweep, fallback " + fmt(FALLBACK_LR);
            double raw = unclamped(s, m);
            return "LR finder: " + (m > 0 ? "the sweep's minimum " + fmt(m) + " (steepest point " + fmt(s) + ")"
                    : "3 x the steepest point " + fmt(s)) + (raw < MIN_LR || raw > MAX_LR
                    ? ", clamped to [" + fmt(MIN_LR) + ", " + fmt(MAX_LR) + "]" : "");
        }
    }

    /**
     * Rule 3: sweeps the recipe's parameter groups (their ratio kept) with its optimizer,
     * BatchNorm policy and loss on {@code batches} (training batches of {@link #finderBatch} images) for
     * {@link #finderSteps} steps, on cached features when the recipe caches them; the model and its
     * state are restored after.
     */
    public static Found findLr(ImageModel model, ModelSpec spec, Recipe r, int images,
                               IntFunction<Iterable<dev.graft.train.Batch>> batches) {
        return findLr(model, spec, r, images, batches, FINDER_START);
    }

    /** {@link #findLr} with the sweep starting at {@code start} (the bench measures other starts). */
    public static Found findLr(ImageModel model, ModelSpec spec, Recipe r, int images,
                               IntFunction<Iterable<dev.graft.train.Batch>> batches, double start) {
        Strategy st = r.freezeEpochs() > 0 ? Strategy.FINETUNE : r.strategy();
        st.apply(model, spec, r.unfreezeFrom(), r.bn() == BnPolicy.AUTO ? BnPolicy.forStrategy(st) : r.bn());
        try (Optimizer opt = r.optimizer().build(st.paramGroups(model, spec, FALLBACK_LR, r.backboneLrMult()),
                FALLBACK_LR, r.momentum(), r.weightDecay())) {
            return findLr(model, r, images, batches, start, opt);
        }
    }

    private static Found findLr(ImageModel model, Recipe r, int images,
                                IntFunction<Iterable<dev.graft.train.Batch>> batches, double start, Optimizer opt) {
        Fit fit = new Fit(model, opt, new CrossEntropyLoss(null, r.labelSmoothing()));
        IntFunction<Iterable<dev.graft.train.Batch>> source = batches;
        if (r.cacheFeatures()) {
            FeatureCache c = FeatureCache.compute(model, batches.apply(0));
            int size = batches.apply(0).iterator().next().n();
            source = e -> c.batches(c.shuffledIds(r.seed() + 7919, e), size);
            fit.forward(model::forwardHead);
        }
        model.train();
        IntFunction<Iterable<dev.graft.train.Batch>> from = source;
        @SuppressWarnings("unchecked")
        Iterator<dev.graft.train.Batch>[] it = new Iterator[1];
        int[] epoch = {0};
        LrCurve curve = new LrFinder().range(start, FINDER_END).steps(finderSteps(r, images)).run(model, opt, () -> {
            if (it[0] == null || !it[0].hasNext()) it[0] = from.apply(epoch[0]++).iterator();
            return it[0].next();
        }, b -> fit.trainStep(b).loss());
        return Found.of(curve);
    }

    /** The one block printed at the start of an automatic run: what was chosen, and the same as explicit options. */
    public static String describe(Recipe r, Facts f, Found found) {
        String src = switch (f.source()) {
            case PRESET -> "pretrained weights";
            case RUN -> "a run's weights";
            case NONE -> "no weights";
        };
        return String.format(Locale.ROOT, "automatic recipe for %d images, %d classes, %d px, %s (--recipe tutorial for"
                        + " the tutorials' one):%n  %s, image size %d, batch %d, %d epoch%s, %s schedule (warmup %d epoch%s),"
                        + " BatchNorm %s, augmentation %s%s%s%n  %s lr %s%s, momentum %s, weight decay %s%s%s%s%n"
                        + "  same as: %s",
                f.images(), f.classes(), f.nativeSize(), src, r.strategy(), r.imageSize(), r.batchSize(), r.epochs(),
                r.epochs() == 1 ? "" : "s", r.schedule(), r.warmupEpochs(), r.warmupEpochs() == 1 ? "" : "s", r.bn(), r.augment().toString().toLowerCase(Locale.ROOT),
                r.fullImageEval() ? ", evaluation on the full image" : "", r.cacheFeatures() ? ", cached features" : "",
                r.optimizer(), fmt(r.lr()), found == null ? " (given)" : " (" + found.how() + ")", fmt(r.momentum()),
                fmt(r.weightDecay()), r.strategy() == Strategy.FINETUNE || r.strategy() == Strategy.PARTIAL
                        ? ", backbone at " + fmt(r.backboneLrMult()) + "x" + (wholeModel(f, r.strategy()) && r.backboneLrMult() == 1
                        ? " (from " + WHOLE_MODEL_IMAGES + " training images the whole model trains alike, with batch statistics)" : "") : "",
                r.labelSmoothing() > 0 ? ", label smoothing " + fmt(r.labelSmoothing()) : "",
                r.zeroHead() ? ", the new head from zero" : "",
                String.join(" ", flags(r)));
    }

    /** The explicit options that repeat this recipe's automatic choices under {@code --recipe tutorial}. */
    public static List<String> flags(Recipe r) {
        return new ArrayList<>(Arrays.asList("--recipe", "tutorial", "--image-size", "" + r.imageSize(), "--batch-size",
                "" + r.batchSize(), "--epochs", "" + r.epochs(), "--optimizer", r.optimizer().toString(), "--lr",
                fmt(r.lr()), "--momentum", fmt(r.momentum()), "--weight-decay", fmt(r.weightDecay()), "--schedule",
                r.schedule().toString(), "--warmup-epochs", "" + r.warmupEpochs(), "--bn", r.bn().toString(),
                "--backbone-lr-mult", fmt(r.backboneLrMult()), "--augment", r.augment().toString().toLowerCase(Locale.ROOT),
                "--label-smoothing", fmt(r.labelSmoothing()), "--eval-full-image=" + r.fullImageEval(),
                "--zero-head=" + r.zeroHead(), "--cache-features=" + r.cacheFeatures()));
    }

    /** A number as an option value: 3 significant digits, {@code 5e-4} below 1e-3, no trailing zeros. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        if (v != 0 && Math.abs(v) < 1e-3) {
            int exp = (int) Math.floor(Math.log10(Math.abs(v)));
            String m = new java.math.BigDecimal(String.format(Locale.ROOT, "%.2f", v / Math.pow(10, exp)))
                    .stripTrailingZeros().toPlainString();
            return m + "e" + exp;
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
    }
}
