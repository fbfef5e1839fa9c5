package dev.graft.bench;

import dev.graft.eval.Inference;
import dev.graft.eval.Logits;
import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.Engine;
import dev.graft.nn.Precision;
import dev.graft.train.Batch;
import dev.graft.train.FitListener;
import dev.graft.train.Learner;
import dev.graft.train.Strategy;
import dev.graft.train.TrainData;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Throughput of a model on random data, as {@code graft bench --mode train|infer} reports it:
 * train = the training step {@code graft train} runs ({@link Learner} and its fit loop: the
 * same cross-entropy loss, SGD with momentum, BatchNorm policy and autocast), with the
 * scratch strategy, so the whole model trains on batch statistics as in the PyTorch
 * reference script; infer = forward in eval mode without gradients, with BatchNorm folded
 * into the convolutions (as {@code Predictor} runs it). Warm-up iterations are not timed. {@code --precision bf16} runs
 * bfloat16 inference (the logits of one batch are then compared with float32's) or
 * mixed-precision training. The arithmetic rate uses torchvision's published cost of the
 * architecture (multiply-adds at 224 px, scaled by the image area) and the usual count of a
 * training step as three forward passes.
 */
public final class ModelBench {
    private ModelBench() {}

    /** What to run; {@code channelsLast} false runs PyTorch's default NCHW layout. */
    public record Setup(String arch, boolean train, int batchSize, int imageSize, int iterations, int warmup,
                        String precision, boolean foldBatchNorm, boolean channelsLast) {}

    public record Result(Setup setup, int threads, double imagesPerSecond, double msPerBatch, long peakRssMb,
                         double gflopPerSecond, double logitRelativeError, double top1Agreement) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arch", setup.arch());
            m.put("mode", setup.train() ? "train" : "infer");
            m.put("precision", setup.precision());
            m.put("memory_format", setup.channelsLast() ? "channels_last" : "nchw");
            m.put("batch_size", setup.batchSize());
            m.put("image_size", setup.imageSize());
            m.put("iterations", setup.iterations());
            m.put("threads", threads);
            m.put("images_per_second", imagesPerSecond);
            m.put("ms_per_batch", msPerBatch);
            m.put("gflop_per_second", gflopPerSecond);
            m.put("peak_rss_mb", peakRssMb);
            m.put("batchnorm_folded", !setup.train() && setup.foldBatchNorm());
            if (!Double.isNaN(logitRelativeError)) {
                m.put("logit_relative_error_vs_fp32", logitRelativeError);
                m.put("top1_agreement_vs_fp32", top1Agreement);
            }
            return m;
        }
    }

    public static Result run(Setup s) {
        boolean bf16 = Precision.parse(s.precision()) == Precision.BF16;
        Engine.root();
        if (Engine.nativeThreads() != Engine.threads()) {
            throw new IllegalStateException("libtorch runs " + Engine.nativeThreads() + " threads, not the "
                    + Engine.threads() + " asked for");
        }
        ModelSpec spec = Zoo.get(s.arch());
        try (ImageModel model = spec.build(1000)) {
            model.train(s.train());
            model.setChannelsLast(s.channelsLast());
            // bf16 inference: a probe batch through the float32 model first, to measure what bf16 changes
            boolean probing = bf16 && !s.train();
            float[] probe = probing ? randomImages(s, 1) : null;
            float[] fp32Logits = probing ? logits(model, probe, s) : null;
            model.setBfloat16Inference(bf16);
            ImageModel.Inference inference = !s.train() && s.foldBatchNorm() ? ImageModel.inference(model) : null;
            double seconds = s.train() ? trainSeconds(model, spec, s, bf16) : inferSeconds(model, s);
            double imagesPerSecond = s.iterations() * s.batchSize() / seconds;
            double gflopPerImage = 2 * spec.defaultWeights().gflops() * Math.pow(s.imageSize() / 224.0, 2)
                    * (s.train() ? 3 : 1);
            double err = Double.NaN, agree = Double.NaN;
            if (fp32Logits != null) {
                float[] got = logits(model, probe, s);
                err = relativeError(got, fp32Logits);
                agree = top1Agreement(got, fp32Logits, 1000);
            }
            if (inference != null) inference.close();
            return new Result(s, Engine.nativeThreads(), imagesPerSecond, seconds * 1000 / s.iterations(),
                    Memory.peakRssMb(), imagesPerSecond * gflopPerImage, err, agree);
        }
    }

    private static float[] logits(ImageModel model, float[] x, Setup s) {
        try (Inference inference = Inference.open(model)) {
            return inference.logits(x, shape(s)).values();
        }
    }

    /** max |a - b| / max |b|, the parity measure of the model tests. */
    static double relativeError(float[] got, float[] want) {
        double d = 0, m = 0;
        for (int i = 0; i < want.length; i++) {
            d = Math.max(d, Math.abs(got[i] - want[i]));
            m = Math.max(m, Math.abs(want[i]));
        }
        return d / m;
    }

    static double top1Agreement(float[] a, float[] b, int classes) {
        int rows = a.length / classes, same = 0;
        int[] pa = new Logits(a, classes).argmax();
        int[] pb = new Logits(b, classes).argmax();
        for (int r = 0; r < rows; r++) if (pa[r] == pb[r]) same++;
        return (double) same / rows;
    }

    /**
     * Seconds for the timed steps of the real training loop: the same batch of seeded random
     * images, {@code warmup + iterations} steps in one epoch without validation.
     */
    private static double trainSeconds(ImageModel model, ModelSpec spec, Setup s, boolean bf16) {
        int n = s.batchSize(), size = s.imageSize();
        float[] x = randomImages(s, 0);
        int[] labels = new int[n];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 37) % 1000;
        List<Batch> steps = Collections.nCopies(s.warmup() + s.iterations(), Batch.images(x, labels, n, size, size));
        long[] time = {System.nanoTime(), 0}; // start of the timed steps, end of the last one
        Learner.of(model, spec).strategy(Strategy.SCRATCH).bfloat16(bf16).epochs(1).quiet().listener(new FitListener() {
            @Override
            public void batchEnd(String phase, int epoch, int batch, int batches, double loss) {
                if (batch == s.warmup()) time[0] = System.nanoTime();
                time[1] = System.nanoTime();
            }
        }).fit(TrainData.of(steps, List.of()));
        return (time[1] - time[0]) / 1e9;
    }

    /** A batch of standard normal pixels, {@code [batch, 3, size, size]}, from {@code seed}. */
    private static float[] randomImages(Setup s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[s.batchSize() * 3 * s.imageSize() * s.imageSize()];
        for (int i = 0; i < x.length; i++) {
            double u = 1 - r.nextDouble(), v = r.nextDouble();
            x[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }

    private static long[] shape(Setup s) {
        return new long[] {s.batchSize(), 3, s.imageSize(), s.imageSize()};
    }

    /** Seconds for the timed forward passes (the input's copy into the engine and the logits' out included). */
    private static double inferSeconds(ImageModel model, Setup s) {
        float[] x = randomImages(s, 0);
        long start = 0;
        for (int it = 0; it < s.warmup() + s.iterations(); it++) {
            if (it == s.warmup()) start = System.nanoTime();
            Engine.forward(model::forward, x, shape(s));
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
