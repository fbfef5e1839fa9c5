package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.transforms.Augment;
import dev.graft.train.AutoRecipe.Facts;
import dev.graft.train.AutoRecipe.Source;
import dev.graft.train.optim.OptimizerKind;
import dev.graft.train.schedule.ScheduleKind;
import org.junit.jupiter.api.Test;

/** One test per rule of the decision table (bench/auto-recipe.md), on synthetic data summaries. */
class AutoRecipeTest {
    static Facts facts(int n, int size, Source src, int weightsSize) { return new Facts(n, 5, size, src, weightsSize, true); }

    static Recipe auto(Recipe.Builder given, Facts f) { return AutoRecipe.resolve(given, f); }

    static Recipe.Builder given() { return Recipe.builder("data", "resnet18"); }

    @Test
    void rule1ImageSizeFromTheWeightsOrTheImages() {
        assertEquals(224, auto(given(), facts(50, 28, Source.PRESET, 224)).imageSize());
        assertEquals(32, auto(given().weights("/some/run"), facts(50, 28, Source.RUN, 32)).imageSize());
        assertEquals(32, auto(given().weights("none"), facts(50, 28, Source.NONE, 0)).imageSize());
        assertEquals(48, auto(given().weights("none"), facts(50, 41, Source.NONE, 0)).imageSize());
        assertEquals(32, auto(given().weights("none"), facts(50, 12, Source.NONE, 0)).imageSize());
    }

    @Test
    void rule2BatchAdaptsToTinySets() {
        assertEquals(8, auto(given(), facts(25, 28, Source.PRESET, 224)).batchSize());
        assertEquals(10, auto(given(), facts(50, 28, Source.PRESET, 224)).batchSize());
        assertEquals(16, auto(given(), facts(160, 28, Source.PRESET, 224)).batchSize());
        assertEquals(16, auto(given(), facts(999, 28, Source.PRESET, 224)).batchSize(), "small sets: at most 16");
        assertEquals(32, auto(given(), facts(1000, 28, Source.PRESET, 224)).batchSize());
        assertEquals(32, auto(given(), facts(60000, 28, Source.PRESET, 224)).batchSize());
    }

    @Test
    void rule4And5LengthAndWarmupCosine() {
        Recipe small = auto(given(), facts(50, 28, Source.PRESET, 224));
        assertEquals(30, small.epochs());
        assertEquals(ScheduleKind.COSINE, small.schedule());
        assertEquals(2, small.warmupEpochs());
        assertEquals(30, auto(given(), facts(1000, 28, Source.PRESET, 224)).epochs());
        assertEquals(10, auto(given(), facts(3000, 28, Source.PRESET, 224)).epochs());
        Recipe large = auto(given(), facts(60000, 28, Source.PRESET, 224));
        assertEquals(5, large.epochs());
        assertEquals(1, large.warmupEpochs());
        // warmup follows the epochs actually used, a given count included
        assertEquals(0, auto(given().epochs(1), facts(50, 28, Source.PRESET, 224)).warmupEpochs());
    }

    @Test
    void rule3LearningRateFromTheSuggestion() {
        assertEquals(4e-3, AutoRecipe.lrFrom(1e-4, 4e-3), 1e-12, "the minimum, whatever the suggestion");
        assertEquals(5.83e-3, AutoRecipe.lrFrom(1e-3, 5.8347e-3), 1e-12, "3 significant digits");
        assertEquals(1e-3, AutoRecipe.lrFrom(1e-4, 6e-4), 1e-12, "floor");
        assertEquals(0.1, AutoRecipe.lrFrom(0.05, 0.5), 1e-12, "never above 0.1");
        assertEquals(3e-3, AutoRecipe.lrFrom(1e-3, Double.NaN), 1e-12, "no minimum: 3 x the suggestion");
        assertEquals(0.01, AutoRecipe.lrFrom(Double.NaN, 1e-2), 1e-12, "no valley: fallback");
        Recipe r = auto(given(), facts(50, 28, Source.PRESET, 224));
        assertEquals(OptimizerKind.SGD, r.optimizer());
        assertEquals(0.9, r.momentum());
        assertEquals(0.01, r.lr(), "the fallback stands until the finder sets the rate");
    }

    @Test
    void rule3FinderCostsAtMostItsShareOfTheRun() {
        for (int n : new int[] {10, 25, 50, 100, 250, 1000, 20000}) {
            Recipe r = auto(given(), facts(n, 28, Source.PRESET, 224));
            int steps = AutoRecipe.finderSteps(r, n), batch = AutoRecipe.finderBatch(r);
            assertEquals(r.batchSize(), batch, n + ": the sweep runs at the run's batch size");
            assertTrue(steps >= AutoRecipe.FINDER_MIN_STEPS && steps <= AutoRecipe.FINDER_MAX_STEPS, n + ": steps " + steps);
            double share = (double) steps * batch / ((double) r.epochs() * n);
            assertTrue(steps == AutoRecipe.FINDER_MIN_STEPS || share <= AutoRecipe.FINDER_SHARE + 0.01, n + ": share " + share);
        }
        Recipe tiny = auto(given(), facts(10, 28, Source.PRESET, 224));
        assertEquals(AutoRecipe.FINDER_MIN_STEPS, AutoRecipe.finderSteps(tiny, 10), "10 images: the shortest sweep");
        Recipe fewShot = auto(given(), facts(25, 28, Source.PRESET, 224));
        assertEquals(AutoRecipe.FINDER_MIN_STEPS, AutoRecipe.finderSteps(fewShot, 25), "25 images at batch 8: 0.2 x 750 / 8 is below the shortest sweep");
        Recipe tenShot = auto(given(), facts(50, 28, Source.PRESET, 224));
        assertEquals(30, AutoRecipe.finderSteps(tenShot, 50), "50 images at batch 10: 0.2 x 1500 / 10 steps");
        assertFalse(AutoRecipe.sweeps(25), "5 shots of 5 classes: too few images for a sweep");
        assertTrue(AutoRecipe.sweeps(50), "10 shots of 5 classes: the finder runs");
        Recipe large = auto(given(), facts(1000, 28, Source.PRESET, 224));
        assertEquals(AutoRecipe.FINDER_MAX_STEPS, AutoRecipe.finderSteps(large, 1000), "1000 images: the full sweep");
    }

    @Test
    void rule6AugmentationAndEvalFitTheImageSize() {
        Recipe small = auto(given(), facts(50, 28, Source.PRESET, 224));
        assertEquals(Augment.LIGHT, small.augment());
        assertTrue(small.fullImageEval());
        Recipe large = auto(given(), facts(50, 300, Source.PRESET, 224));
        assertEquals(Augment.STANDARD, large.augment());
        assertFalse(large.fullImageEval());
    }

    @Test
    void rule7BackboneMultiplier() {
        int n = AutoRecipe.WHOLE_MODEL_IMAGES;
        assertEquals(0.1, auto(given(), facts(50, 28, Source.PRESET, 224)).backboneLrMult());
        assertEquals(0.1, auto(given(), facts(n - 1, 28, Source.PRESET, 224)).backboneLrMult());
        assertEquals(1.0, auto(given(), facts(n, 28, Source.PRESET, 224)).backboneLrMult(), "a larger set trains the whole model alike");
        assertEquals(0.1, auto(given().strategy(Strategy.PARTIAL).unfreezeFrom("layer4"), facts(n, 28, Source.PRESET, 224)).backboneLrMult());
        assertEquals(0.3, auto(given().backboneLrMult(0.3), facts(n, 28, Source.PRESET, 224)).backboneLrMult(), "given");
    }

    @Test
    void theBlockSaysWhyTheWholeModelTrainsAlike() {
        int n = AutoRecipe.WHOLE_MODEL_IMAGES;
        String large = AutoRecipe.describe(auto(given().lr(0.01), facts(n, 28, Source.PRESET, 224)), facts(n, 28, Source.PRESET, 224), null);
        assertTrue(large.contains("backbone at 1x (from " + n + " training images the whole model trains alike, with batch statistics)")
                && large.contains("BatchNorm train"), large);
        String small = AutoRecipe.describe(auto(given().lr(0.01), facts(50, 28, Source.PRESET, 224)), facts(50, 28, Source.PRESET, 224), null);
        assertTrue(small.contains("backbone at 0.1x,") && small.contains("BatchNorm eval"), small);
    }

    @Test
    void rule8BatchNormByStrategyAndBatch() {
        int n = AutoRecipe.WHOLE_MODEL_IMAGES;
        assertEquals(BnPolicy.EVAL, auto(given(), facts(50, 28, Source.PRESET, 224)).bn());
        assertEquals(BnPolicy.EVAL, auto(given().batchSize(32), facts(n - 1, 28, Source.PRESET, 224)).bn(), "batch 32 but few images");
        assertEquals(BnPolicy.TRAIN, auto(given(), facts(n, 28, Source.PRESET, 224)).bn());
        assertEquals(BnPolicy.TRAIN, auto(given(), facts(5000, 28, Source.PRESET, 224)).bn());
        assertEquals(BnPolicy.EVAL, auto(given().batchSize(8), facts(5000, 28, Source.PRESET, 224)).bn(),
                "a given small batch");
        assertEquals(BnPolicy.FROZEN, auto(given().strategy(Strategy.HEAD), facts(50, 28, Source.PRESET, 224)).bn());
        assertEquals(BnPolicy.TRAIN, auto(given().weights("none"), facts(50, 28, Source.NONE, 0)).bn());
    }

    @Test
    void rule9WeightDecay() {
        assertEquals(5e-4, auto(given(), facts(50, 28, Source.PRESET, 224)).weightDecay());
    }

    @Test
    void rule12FeatureCacheWhenFrozenAndDeterministic() {
        assertTrue(auto(given().strategy(Strategy.HEAD).augment(Augment.NONE), facts(50, 28, Source.PRESET, 224))
                .cacheFeatures());
        assertFalse(auto(given().strategy(Strategy.HEAD), facts(50, 28, Source.PRESET, 224)).cacheFeatures(), "random augmentation");
        assertFalse(auto(given().augment(Augment.NONE), facts(50, 28, Source.PRESET, 224)).cacheFeatures(), "finetune");
        assertFalse(auto(given().strategy(Strategy.HEAD).augment(Augment.NONE).cacheFeatures(false),
                facts(50, 28, Source.PRESET, 224)).cacheFeatures(), "a given switch wins");
    }

    @Test
    void explicitOptionsOverrideTheirRow() {
        Recipe r = auto(given().lr(0.05).epochs(3).imageSize(64).batchSize(4).augment(Augment.STANDARD)
                .bn(BnPolicy.TRAIN).schedule(ScheduleKind.STEP).weightDecay(0.0).optimizer(OptimizerKind.ADAM),
                facts(50, 28, Source.PRESET, 224));
        assertEquals(0.05, r.lr());
        assertEquals(3, r.epochs());
        assertEquals(64, r.imageSize());
        assertEquals(4, r.batchSize());
        assertEquals(Augment.STANDARD, r.augment());
        assertEquals(BnPolicy.TRAIN, r.bn());
        assertEquals(ScheduleKind.STEP, r.schedule());
        assertEquals(0.0, r.weightDecay());
        assertEquals(OptimizerKind.ADAM, r.optimizer());
    }

    @Test
    void aNewHeadOnWeightsStartsAtZeroWithLabelSmoothingScratchHasNeither() {
        for (Source src : Source.values()) {
            Recipe r = auto(given(), facts(50, 28, src, src == Source.NONE ? 0 : 32));
            assertEquals(src != Source.NONE, r.zeroHead(), src.toString());
            assertEquals(src != Source.NONE ? AutoRecipe.LABEL_SMOOTHING : 0.0, r.labelSmoothing(), src.toString());
        }
        Recipe kept = auto(given(), new Facts(50, 5, 28, Source.RUN, 32, false));
        assertEquals(false, kept.zeroHead(), "the weights' own head (same classes) is kept as trained");
        Recipe given = auto(given().zeroHead(false).labelSmoothing(0.2), facts(50, 28, Source.RUN, 32));
        assertEquals(false, given.zeroHead());
        assertEquals(0.2, given.labelSmoothing());
        assertEquals(false, Recipe.defaults("data", "resnet18").zeroHead(), "the tutorials' recipe keeps PyTorch's head init");
    }

    @Test
    void theFlagsRepeatTheRecipeUnderTutorial() {
        Recipe r = auto(given(), facts(50, 28, Source.PRESET, 224)).toBuilder().lr(0.003).build();
        String flags = String.join(" ", AutoRecipe.flags(r));
        assertTrue(flags.startsWith("--recipe tutorial "), flags);
        for (String s : new String[] {"--image-size 224", "--batch-size 10", "--epochs 30", "--lr 0.003",
                "--weight-decay 5e-4", "--schedule cosine", "--bn eval", "--augment light", "--eval-full-image=true",
                "--label-smoothing 0.1", "--zero-head=true"}) {
            assertTrue(flags.contains(s), s + " missing: " + flags);
        }
        // the same options on the tutorial's defaults give the same recipe
        Recipe again = Recipe.builder("data", "resnet18").imageSize(224).batchSize(10).epochs(30).lr(0.003)
                .momentum(0.9).weightDecay(5e-4).schedule(ScheduleKind.COSINE).warmupEpochs(2).bn(BnPolicy.EVAL)
                .backboneLrMult(0.1).augment(Augment.LIGHT).fullImageEval(true).cacheFeatures(false)
                .labelSmoothing(0.1).zeroHead(true).build();
        assertEquals(again, r);
    }

    @Test
    void tutorialDefaultsAreUnchanged() {
        Recipe t = Recipe.defaults("data", "resnet18");
        assertEquals(0.001, t.lr());
        assertEquals(ScheduleKind.STEP, t.schedule());
        assertEquals(7, t.stepSize());
        assertEquals(224, t.imageSize());
        assertEquals(Augment.STANDARD, t.augment());
        assertFalse(t.fullImageEval());
        assertEquals(0.0, t.weightDecay());
    }
}
