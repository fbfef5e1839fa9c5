package dev.graft.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.graft.models.ImageModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Engine;
import dev.graft.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput of a model on random data, as {@code graft bench --mode train|infer} reports it:
 * train = forward, cross-entropy, backward and an SGD step of the whole model; infer =
 * forward in eval mode without gradients. Warm-up iterations are not timed.
 */
public final class ModelBench {
    private ModelBench() {}

    public record Result(String arch, String mode, int batchSize, int imageSize, int iterations, int threads,
                         double imagesPerSecond, double msPerBatch, long peakRssMb) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arch", arch);
            m.put("mode", mode);
            m.put("batch_size", batchSize);
            m.put("image_size", imageSize);
            m.put("iterations", iterations);
            m.put("threads", threads);
            m.put("images_per_second", imagesPerSecond);
            m.put("ms_per_batch", msPerBatch);
            m.put("peak_rss_mb", peakRssMb);
            return m;
        }
    }

    public static Result run(String arch, boolean train, int batchSize, int imageSize, int iterations, int warmup) {
        try (ImageModel model = Zoo.get(arch).build(1000)) {
            model.train(train);
            List<Parameter> params = model.trainableParameters();
            int[] labels = new int[batchSize];
            for (int i = 0; i < batchSize; i++) labels[i] = (i * 37) % 1000;
            long start = 0;
            for (int it = 0; it < warmup + iterations; it++) {
                if (it == warmup) start = System.nanoTime();
                try (NDManager scope = Engine.newScope()) {
                    NDArray x = scope.randomNormal(new Shape(batchSize, 3, imageSize, imageSize));
                    if (train) {
                        trainStep(model, params, x, scope.create(labels));
                    } else {
                        model.forward(x).toFloatArray();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(arch, train ? "train" : "infer", batchSize, imageSize, iterations, Engine.threads(),
                    iterations * batchSize / seconds, seconds * 1000 / iterations, Memory.peakRssMb());
        }
    }

    private static void trainStep(ImageModel model, List<Parameter> params, NDArray x, NDArray labels) {
        try (GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray logits = model.forward(x);
            NDArray loss = logits.logSoftmax(1).mul(labels.oneHot(1000)).sum().neg().div(x.getShape().get(0));
            gc.backward(loss);
        }
        for (Parameter p : params) {
            try (NDArray g = p.gradient()) {
                if (g != null) p.array().subi(g.mul(0.01f));
            }
            p.zeroGrad();
        }
    }
}
