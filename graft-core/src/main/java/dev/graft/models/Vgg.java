package dev.graft.models;

import dev.graft.nn.AdaptiveAvgPool2d;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.Dropout;
import dev.graft.nn.Init;
import dev.graft.nn.Linear;
import dev.graft.nn.MaxPool2d;
import dev.graft.nn.Module;
import dev.graft.nn.ReLU;
import dev.graft.nn.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * VGG as torchvision builds it ({@code torchvision/models/vgg.py}): {@code features} (3x3
 * convolutions with bias, optionally each followed by BatchNorm, ReLU, max pools), an
 * adaptive average pool to 7x7 (so any input of 32 px or more works) and a three-layer
 * {@code classifier} whose last Linear ({@code classifier.6}) is the head. The zoo entries
 * ({@link #VGG16}, {@link #VGG16_BN}) and their published weights are declared here.
 */
public class Vgg extends ImageModel {
    /** The last Linear of {@code classifier = [Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear]}. */
    static final String HEAD = "classifier.6";
    /** Width of the two hidden classifier layers, so of the head's input. */
    static final int HIDDEN = 4096;

    /** A max pool in a configuration. */
    static final int M = -1;
    /** Configuration "D" (VGG16): channel counts and pools. */
    static final int[] CFG_D = {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};

    public static final ModelSpec VGG16 = ModelSpec.builder("vgg16", Vgg::vgg16)
            .groups(groups(false)).parameters(138_357_544)
            .weights(WeightsSpec.imagenet1kV1().file("vgg16-397923af.pth").acc1(71.592).acc5(90.382).gflops(15.47))
            .build();
    public static final ModelSpec VGG16_BN = ModelSpec.builder("vgg16_bn", Vgg::vgg16Bn)
            .groups(groups(true)).parameters(138_365_992)
            .weights(WeightsSpec.imagenet1kV1().file("vgg16_bn-6c64b313.pth").acc1(73.360).acc5(91.516).gflops(15.47))
            .build();

    public Vgg(int[] cfg, boolean batchNorm, int numClasses, double dropout) {
        register("features", makeLayers(cfg, batchNorm));
        register("avgpool", new AdaptiveAvgPool2d(7, 7));
        register("classifier", new Sequential(
                new Linear(512 * 7 * 7, HIDDEN), new ReLU(), new Dropout(dropout),
                new Linear(HIDDEN, HIDDEN), new ReLU(), new Dropout(dropout),
                new Linear(HIDDEN, numClasses)));
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) {
                c.weight().set(Init.kaimingNormalFanOut(c.weight().array().getShape()));
                c.bias().set(Init.constant(c.bias().array().getShape(), 0f));
            } else if (m instanceof Linear l) {
                l.weight().set(Init.normal(l.weight().array().getShape(), 0, 0.01));
                l.bias().set(Init.constant(l.bias().array().getShape(), 0f));
            }
        }
    }

    private static Sequential makeLayers(int[] cfg, boolean batchNorm) {
        Sequential layers = new Sequential();
        int in = 3;
        for (int v : cfg) {
            if (v == M) {
                layers.add(new MaxPool2d(2, 2, 0));
            } else {
                layers.add(new Conv2d(in, v, 3, 1, 1, true));
                if (batchNorm) layers.add(new BatchNorm2d(v));
                layers.add(new ReLU());
                in = v;
            }
        }
        return layers;
    }

    /**
     * Layer groups of VGG16: the convolutions (and norms) of each block between pools
     * ({@code block1..block5}), the two hidden classifier layers, and the head.
     */
    private static LinkedHashMap<String, List<String>> groups(boolean batchNorm) {
        LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
        List<String> block = new ArrayList<>();
        int index = 0;
        for (int v : CFG_D) {
            if (v == M) {
                g.put("block" + (g.size() + 1), List.copyOf(block));
                block.clear();
                index++;
            } else {
                block.add("features." + index);
                if (batchNorm) block.add("features." + (index + 1));
                index += batchNorm ? 3 : 2;
            }
        }
        g.put("classifier", List.of("classifier.0", "classifier.3"));
        g.put(ModelSpec.HEAD_GROUP, List.of(HEAD));
        return g;
    }

    @Override
    public String headPath() { return HEAD; }

    @Override
    public int numFeatures() { return HIDDEN; }

    public static Vgg vgg16(int numClasses) { return new Vgg(CFG_D, false, numClasses, 0.5); }

    public static Vgg vgg16Bn(int numClasses) { return new Vgg(CFG_D, true, numClasses, 0.5); }
}
