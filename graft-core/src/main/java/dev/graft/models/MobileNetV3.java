package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.AdaptiveAvgPool2d;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Dropout;
import dev.graft.nn.Hardsigmoid;
import dev.graft.nn.Hardswish;
import dev.graft.nn.Linear;
import dev.graft.nn.Module;
import dev.graft.nn.ReLU;
import dev.graft.nn.Sequential;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * MobileNetV3 Large and Small as torchvision builds them ({@code torchvision/models/mobilenetv3.py}):
 * a Hardswish stem, inverted residual blocks with optional squeeze-excitation (ReLU inside,
 * Hardsigmoid scale) and ReLU or Hardswish per block, a 1x1 convolution to 6x the last
 * width, pooling, and {@code classifier = [Linear, Hardswish, Dropout(0.2), Linear]}.
 * BatchNorm uses eps 1e-3 and momentum 0.01 throughout, as in the paper's TensorFlow models.
 * The zoo entries ({@link #MOBILENET_V3_LARGE}, {@link #MOBILENET_V3_SMALL}) and their
 * published weights are declared here.
 */
public class MobileNetV3 extends ImageModel {
    private static final IntFunction<BatchNorm2d> NORM = c -> new BatchNorm2d(c, 0.001, 0.01);
    /** The hidden Linear and the last Linear of {@code classifier = [Linear, Hardswish, Dropout, Linear]}. */
    static final String HIDDEN = "classifier.0", HEAD = "classifier.3";

    public static final ModelSpec MOBILENET_V3_LARGE = ModelSpec.builder("mobilenet_v3_large", MobileNetV3::mobilenetV3Large)
            .groups(LayerGroups.stages(new int[] {0, 2, 4, 7, 13, 17}, HIDDEN, HEAD)).parameters(5_483_032)
            .weights(WeightsSpec.imagenet1kV1().file("mobilenet_v3_large-8738ca79.pth").acc1(74.042).acc5(91.340).gflops(0.217),
                    WeightsSpec.imagenet1kV2().file("mobilenet_v3_large-5c1a4163.pth").acc1(75.274).acc5(92.566).gflops(0.217))
            .build();
    public static final ModelSpec MOBILENET_V3_SMALL = ModelSpec.builder("mobilenet_v3_small", MobileNetV3::mobilenetV3Small)
            .groups(LayerGroups.stages(new int[] {0, 1, 2, 4, 9, 13}, HIDDEN, HEAD)).parameters(2_542_856)
            .weights(WeightsSpec.imagenet1kV1().file("mobilenet_v3_small-047dcff4.pth").acc1(67.668).acc5(87.402).gflops(0.057))
            .build();

    private final int numFeatures;

    /** One row of the paper's Tables 1 and 2 ({@code InvertedResidualConfig} with width 1.0). */
    record BlockConfig(int in, int kernel, int expanded, int out, boolean useSe, boolean useHs, int stride) {}

    static final List<BlockConfig> LARGE = List.of(
            b(16, 3, 16, 16, false, "RE", 1), b(16, 3, 64, 24, false, "RE", 2), b(24, 3, 72, 24, false, "RE", 1),
            b(24, 5, 72, 40, true, "RE", 2), b(40, 5, 120, 40, true, "RE", 1), b(40, 5, 120, 40, true, "RE", 1),
            b(40, 3, 240, 80, false, "HS", 2), b(80, 3, 200, 80, false, "HS", 1), b(80, 3, 184, 80, false, "HS", 1),
            b(80, 3, 184, 80, false, "HS", 1), b(80, 3, 480, 112, true, "HS", 1), b(112, 3, 672, 112, true, "HS", 1),
            b(112, 5, 672, 160, true, "HS", 2), b(160, 5, 960, 160, true, "HS", 1), b(160, 5, 960, 160, true, "HS", 1));

    static final List<BlockConfig> SMALL = List.of(
            b(16, 3, 16, 16, true, "RE", 2), b(16, 3, 72, 24, false, "RE", 2), b(24, 3, 88, 24, false, "RE", 1),
            b(24, 5, 96, 40, true, "HS", 2), b(40, 5, 240, 40, true, "HS", 1), b(40, 5, 240, 40, true, "HS", 1),
            b(40, 5, 120, 48, true, "HS", 1), b(48, 5, 144, 48, true, "HS", 1), b(48, 5, 288, 96, true, "HS", 2),
            b(96, 5, 576, 96, true, "HS", 1), b(96, 5, 576, 96, true, "HS", 1));

    private static BlockConfig b(int in, int k, int exp, int out, boolean se, String act, int stride) {
        return new BlockConfig(in, k, exp, out, se, act.equals("HS"), stride);
    }

    /** Expand (if widths differ), depthwise, optional SE, linear projection; residual when shape allows. */
    static final class InvertedResidual extends Module {
        private final boolean useResConnect;

        InvertedResidual(BlockConfig c) {
            useResConnect = c.stride() == 1 && c.in() == c.out();
            Supplier<Module> act = c.useHs() ? Hardswish::new : ReLU::new;
            Sequential block = new Sequential();
            if (c.expanded() != c.in()) block.add(new Conv2dNormActivation(c.in(), c.expanded(), 1, 1, NORM, act));
            block.add(new Conv2dNormActivation(c.expanded(), c.expanded(), c.kernel(), c.stride(), c.expanded(), NORM, act));
            if (c.useSe()) {
                int squeeze = makeDivisible(c.expanded() / 4, 8);
                block.add(new SqueezeExcitation(c.expanded(), squeeze, ReLU::new, Hardsigmoid::new));
            }
            block.add(new Conv2dNormActivation(c.expanded(), c.out(), 1, 1, NORM, null));
            register("block", block);
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray out = call("block", x);
            return useResConnect ? out.addi(x) : out;
        }
    }

    public MobileNetV3(List<BlockConfig> setting, int lastChannel, int numClasses, double dropout) {
        Sequential features = new Sequential(new Conv2dNormActivation(3, setting.get(0).in(), 3, 2, NORM, Hardswish::new));
        for (BlockConfig c : setting) features.add(new InvertedResidual(c));
        int lastConvIn = setting.get(setting.size() - 1).out(), lastConvOut = 6 * lastConvIn;
        features.add(new Conv2dNormActivation(lastConvIn, lastConvOut, 1, 1, NORM, Hardswish::new));
        register("features", features);
        register("avgpool", new AdaptiveAvgPool2d(1));
        numFeatures = lastChannel;
        register("classifier", new Sequential(new Linear(lastConvOut, lastChannel), new Hardswish(),
                new Dropout(dropout), new Linear(lastChannel, numClasses)));
        TorchvisionInit.mobileStyle(this, false);
    }

    @Override
    public String headPath() { return HEAD; }

    @Override
    public int numFeatures() { return numFeatures; }

    /** torchvision's {@code _make_divisible}: round to a multiple of 8, never down by more than 10%. */
    static int makeDivisible(double v, int divisor) {
        int newV = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (newV < 0.9 * v) newV += divisor;
        return newV;
    }

    public static MobileNetV3 mobilenetV3Large(int numClasses) { return new MobileNetV3(LARGE, 1280, numClasses, 0.2); }

    public static MobileNetV3 mobilenetV3Small(int numClasses) { return new MobileNetV3(SMALL, 1024, numClasses, 0.2); }
}
