package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.io.TensorData;
import dev.graft.nn.AvgPool2d;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.F;
import dev.graft.nn.Init;
import dev.graft.nn.Linear;
import dev.graft.nn.MaxPool2d;
import dev.graft.nn.Module;
import dev.graft.nn.ReLU;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DenseNet as torchvision builds it ({@code torchvision/models/densenet.py}): a stem
 * ({@code conv0 norm0 relu0 pool0}), dense blocks whose layers each see the concatenation of
 * all earlier feature maps, transitions that halve channels and resolution, {@code norm5},
 * then a ReLU and global pooling in forward, and a plain Linear {@code classifier}. The
 * published files use the old key names; {@link #remapLegacyKeys} renames them. The zoo
 * entry ({@link #DENSENET121}) and its published weights are declared here.
 */
public class DenseNet extends ImageModel {
    /** The classifier, {@code Linear(numFeatures, classes)}. */
    static final String HEAD = "classifier";
    static final int[] BLOCKS_121 = {6, 12, 24, 16};

    public static final ModelSpec DENSENET121 = ModelSpec.builder("densenet121", DenseNet::densenet121)
            .groups(groups(BLOCKS_121.length)).parameters(7_978_856)
            .weights(WeightsSpec.imagenet1kV1().file("densenet121-a639ec97.pth").acc1(74.434).acc5(91.972).gflops(2.834))
            .stateDictAdapter(DenseNet::remapLegacyKeys)
            .build();

    private static final Pattern LEGACY_KEY = Pattern.compile(
            "^(.*denselayer\\d+\\.(?:norm|relu|conv))\\.((?:[12])\\.(?:weight|bias|running_mean|running_var))$");

    /** Children run in registration order under their own names, like an nn.Sequential built from an OrderedDict. */
    static class Named extends Module {
        Named add(String name, Module m) {
            register(name, m);
            return this;
        }

        @Override
        public NDArray forward(NDArray x) {
            for (Module m : children().values()) x = run(m, x);
            return x;
        }
    }

    /** BN-ReLU-1x1 conv (bottleneck to bn_size*growth) then BN-ReLU-3x3 conv (growth new channels). */
    static final class DenseLayer extends Named {
        DenseLayer(int in, int growthRate, int bnSize) {
            add("norm1", new BatchNorm2d(in));
            add("relu1", new ReLU());
            add("conv1", new Conv2d(in, bnSize * growthRate, 1, 1, 0, false));
            add("norm2", new BatchNorm2d(bnSize * growthRate));
            add("relu2", new ReLU());
            add("conv2", new Conv2d(bnSize * growthRate, growthRate, 3, 1, 1, false));
        }
    }

    /** Each layer gets the concatenation of the block input and all earlier layers' outputs. */
    static final class DenseBlock extends Module {
        DenseBlock(int layers, int in, int bnSize, int growthRate) {
            for (int i = 0; i < layers; i++) register("denselayer" + (i + 1), new DenseLayer(in + i * growthRate, growthRate, bnSize));
        }

        @Override
        public NDArray forward(NDArray x) {
            List<NDArray> features = new ArrayList<>(List.of(x));
            for (String name : children().keySet()) features.add(call(name, F.cat(features, 1)));
            return F.cat(features, 1);
        }
    }

    private final int numFeatures;

    public DenseNet(int growthRate, int[] blockConfig, int numInitFeatures, int bnSize, int numClasses) {
        Named features = new Named()
                .add("conv0", new Conv2d(3, numInitFeatures, 7, 2, 3, false))
                .add("norm0", new BatchNorm2d(numInitFeatures))
                .add("relu0", new ReLU())
                .add("pool0", new MaxPool2d(3, 2, 1));
        int n = numInitFeatures;
        for (int i = 0; i < blockConfig.length; i++) {
            features.add("denseblock" + (i + 1), new DenseBlock(blockConfig[i], n, bnSize, growthRate));
            n += blockConfig[i] * growthRate;
            if (i != blockConfig.length - 1) {
                features.add("transition" + (i + 1), new Named()
                        .add("norm", new BatchNorm2d(n))
                        .add("relu", new ReLU())
                        .add("conv", new Conv2d(n, n / 2, 1, 1, 0, false))
                        .add("pool", new AvgPool2d(2, 2)));
                n /= 2;
            }
        }
        features.add("norm5", new BatchNorm2d(n));
        register("features", features);
        numFeatures = n;
        register(HEAD, new Linear(n, numClasses));
        // torchvision's "official init": kaiming_normal_ with its default fan_in mode
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) {
                var shape = c.weight().array().getShape();
                c.weight().set(Init.normal(shape, 0, Math.sqrt(2.0 / Init.fans(shape)[0])));
            } else if (m instanceof Linear l) {
                l.bias().set(Init.constant(l.bias().array().getShape(), 0f));
            }
        }
    }

    @Override
    protected NDArray pooledFeatures(NDArray x) {
        NDArray out = F.relu_(call("features", x));
        return F.flatten(F.adaptiveAvgPool2d(out, 1, 1));
    }

    @Override
    public String headPath() { return HEAD; }

    @Override
    public int numFeatures() { return numFeatures; }

    /** The stem, each dense block with the transition after it (the last with norm5), the head. */
    private static LinkedHashMap<String, List<String>> groups(int blocks) {
        LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
        g.put("stem", List.of("features.conv0", "features.norm0"));
        for (int i = 1; i <= blocks; i++) {
            g.put("denseblock" + i, List.of("features.denseblock" + i,
                    i < blocks ? "features.transition" + i : "features.norm5"));
        }
        g.put(ModelSpec.HEAD_GROUP, List.of(HEAD));
        return g;
    }

    public static DenseNet densenet121(int numClasses) {
        return new DenseNet(32, BLOCKS_121, 64, 4, numClasses);
    }

    /**
     * Renames the keys of DenseNet files saved before PyTorch forbade dots in module names
     * ({@code denselayer1.norm.1.weight} becomes {@code denselayer1.norm1.weight}), with the
     * pattern torchvision's loader uses; other keys and the order are kept.
     */
    public static LinkedHashMap<String, TensorData> remapLegacyKeys(Map<String, TensorData> state) {
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
        state.forEach((key, value) -> {
            Matcher m = LEGACY_KEY.matcher(key);
            out.put(m.matches() ? m.group(1) + m.group(2) : key, value);
        });
        return out;
    }
}
