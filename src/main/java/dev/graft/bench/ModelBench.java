package dev.graft.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.graft.models.ImageModel;
import dev.graft.models.ModelSpec;
import dev.graft.models.Zoo;
import dev.graft.nn.Autocast;
import dev.graft.nn.Engine;
import dev.graft.nn.Parameter;
import dev.graft.nn.Precision;
import dev.graft.train.Predict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput of a model on random data, as {@code graft bench --mode train|infer} reports it:
 * train = forward, cross-entropy, backward and an SGD step of the whole model; infer =
 * forward in eval mode without gradients, with BatchNorm folded into the convolutions (as
 * {@code Predictor} runs it). Warm-up iterations are not timed. {@code --precision bf16} runs
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
        if (JniUtils.getNumThreads() != Engine.threads()) {
            throw new IllegalStateException("libtorch runs " + JniUtils.getNumThreads() + " threads, not the "
                    + Engine.threads() + " asked for");
        }
        ModelSpec spec = Zoo.get(s.arch());
        try (ImageModel model = spec.build(1000); NDManager probeScope = Engine.newScope()) {
            model.train(s.train());
            model.setChannelsLast(s.channelsLast());
            List<Parameter> params = model.trainableParameters();
            int[] labels = new int[s.batchSize()];
            for (int i = 0; i < labels.length; i++) labels[i] = (i * 37) % 1000;
            // bf16 inference: a probe batch through the float32 model first, to measure what bf16 changes
            boolean probing = bf16 && !s.train();
            NDArray probe = probing ? probeScope.randomNormal(new Shape(s.batchSize(), 3, s.imageSize(), s.imageSize())) : null;
            float[] fp32Logits = probing ? logits(model, probe) : null;
            model.setBfloat16Inference(bf16);
            ImageModel.Inference inference = !s.train() && s.foldBatchNorm() ? ImageModel.inference(model) : null;
            long start = 0;
            for (int it = 0; it < s.warmup() + s.iterations(); it++) {
                if (it == s.warmup()) start = System.nanoTime();
                try (NDManager scope = Engine.newScope()) {
                    NDArray x = scope.randomNormal(new Shape(s.batchSize(), 3, s.imageSize(), s.imageSize()));
                    if (s.train()) {
                        try (Autocast autocast = Autocast.bfloat16(bf16)) {
                            trainStep(model, params, x, scope.create(labels));
                        }
                    } else {
                        model.forward(x).toFloatArray();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double imagesPerSecond = s.iterations() * s.batchSize() / seconds;
            double gflopPerImage = 2 * spec.defaultWeights().gflops() * Math.pow(s.imageSize() / 224.0, 2)
                    * (s.train() ? 3 : 1);
            double err = Double.NaN, agree = Double.NaN;
            if (fp32Logits != null) {
                float[] got = logits(model, probe);
                err = relativeError(got, fp32Logits);
                agree = top1Agreement(got, fp32Logits, 1000);
            }
            if (inference != null) inference.close();
            return new Result(s, JniUtils.getNumThreads(), imagesPerSecond, seconds * 1000 / s.iterations(),
                    Memory.peakRssMb(), imagesPerSecond * gflopPerImage, err, agree);
        }
    }

    private static float[] logits(ImageModel model, NDArray x) {
        try (ImageModel.Inference inference = ImageModel.inference(model); NDManager scope = Engine.newScope()) {
            x.tempAttach(scope);
            return model.forward(x).toFloatArray();
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
        int[] pa = new Predict.Predictions(a, classes, new int[rows]).predicted();
        int[] pb = new Predict.Predictions(b, classes, new int[rows]).predicted();
        for (int r = 0; r < rows; r++) if (pa[r] == pb[r]) same++;
        return (double) same / rows;
    }

    private static void trainStep(ImageModel model, List<Parameter> params, NDArray x, NDArray labels) {
        try (GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray logits = model.forward(x);
            NDArray loss = logits.logSoftmax(1).mul(labels.oneHot(1000)).sum().neg().div(x.getShape().get(0));
            gc.backward(loss);
        }
        for (Parameter p : params) {
            try (NDArray g = p.gradient()) {
                if (g != null) {
                    g.muli(0.01f);
                    p.array().subi(g);
                }
            }
            p.zeroGrad();
        }
    }
}
