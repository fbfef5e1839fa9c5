package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.AdaptiveAvgPool2d;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Dropout;
import dev.graft.nn.Linear;
import dev.graft.nn.Module;
import dev.graft.nn.Sequential;
import dev.graft.nn.SiLU;
import dev.graft.nn.Sigmoid;
import dev.graft.nn.StochasticDepth;
import java.util.function.IntFunction;

/**
 * EfficientNet-B0 as torchvision builds it ({@code torchvision/models/efficientnet.py}): a
 * SiLU stem, seven stages of MBConv blocks (expansion, depthwise, squeeze-excitation with SiLU
 * and Sigmoid, linear projection), a 1x1 convolution to 1280, pooling, and
 * {@code classifier = [Dropout(0.2), Linear]}. Residual blocks carry stochastic depth with
 * p rising linearly from 0 to 0.2 over the 16 blocks (only active in training). The zoo
 * entry ({@link #EFFICIENTNET_B0}) and its published weights are declared here.
 */
public class EfficientNet extends ImageModel {
    private static final IntFunction<BatchNorm2d> NORM = BatchNorm2d::new;
    /** The Linear of {@code classifier = [Dropout, Linear]}. */
    static final String HEAD = "classifier.1";

    public static final ModelSpec EFFICIENTNET_B0 = ModelSpec.builder("efficientnet_b0", EfficientNet::efficientnetB0)
            .groups(LayerGroups.stages(new int[] {0, 2, 3, 4, 6, 9}, null, HEAD)).parameters(5_288_548)
            .weights(WeightsSpec.imagenet1kV1().file("efficientnet_b0_rwightman-7f5810bc.pth")
                    .preset(256, 224, "bicubic").acc1(77.692).acc5(93.532).gflops(0.386))
            .build();

    private final int numFeatures;

    /** torchvision's {@code MBConvConfig} at width and depth multiplier 1.0 (B0). */
    record StageConfig(int expandRatio, int kernel, int stride, int in, int out, int numLayers) {}

    static final StageConfig[] B0 = {
        new StageConfig(1, 3, 1, 32, 16, 1), new StageConfig(6, 3, 2, 16, 24, 2), new StageConfig(6, 5, 2, 24, 40, 2),
        new StageConfig(6, 3, 2, 40, 80, 3), new StageConfig(6, 5, 1, 80, 112, 3), new StageConfig(6, 5, 2, 112, 192, 4),
        new StageConfig(6, 3, 1, 192, 320, 1),
    };

    /** Mobile inverted bottleneck with squeeze-excitation; stochastic depth on the residual branch. */
    static final class MBConv extends Module {
        private final boolean useResConnect;

        MBConv(int expandRatio, int kernel, int stride, int in, int out, double stochasticDepthProb) {
            useResConnect = stride == 1 && in == out;
            int expanded = MobileNetV3.makeDivisible(in * expandRatio, 8);
            Sequential block = new Sequential();
            if (expanded != in) block.add(new Conv2dNormActivation(in, expanded, 1, 1, NORM, SiLU::new));
            block.add(new Conv2dNormActivation(expanded, expanded, kernel, stride, expanded, NORM, SiLU::new));
            block.add(new SqueezeExcitation(expanded, Math.max(1, in / 4), SiLU::new, Sigmoid::new));
            block.add(new Conv2dNormActivation(expanded, out, 1, 1, NORM, null));
            register("block", block);
            register("stochastic_depth", new StochasticDepth(stochasticDepthProb, "row"));
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray result = call("block", x);
            if (useResConnect) result = call("stochastic_depth", result).addi(x);
            return result;
        }
    }

    public EfficientNet(StageConfig[] setting, double dropout, double stochasticDepthProb, int numClasses) {
        Sequential features = new Sequential(new Conv2dNormActivation(3, setting[0].in(), 3, 2, NORM, SiLU::new));
        int totalBlocks = 0;
        for (StageConfig s : setting) totalBlocks += s.numLayers();
        int blockId = 0;
        for (StageConfig s : setting) {
            Sequential stage = new Sequential();
            for (int i = 0; i < s.numLayers(); i++) {
                double p = stochasticDepthProb * blockId / totalBlocks;
                stage.add(new MBConv(s.expandRatio(), s.kernel(), i == 0 ? s.stride() : 1, i == 0 ? s.in() : s.out(),
                        s.out(), p));
                blockId++;
            }
            features.add(stage);
        }
        int lastIn = setting[setting.length - 1].out(), lastOut = 4 * lastIn;
        features.add(new Conv2dNormActivation(lastIn, lastOut, 1, 1, NORM, SiLU::new));
        register("features", features);
        register("avgpool", new AdaptiveAvgPool2d(1));
        numFeatures = lastOut;
        register("classifier", new Sequential(new Dropout(dropout), new Linear(lastOut, numClasses)));
        TorchvisionInit.mobileStyle(this, true);
    }

    @Override
    public String headPath() { return HEAD; }

    @Override
    public int numFeatures() { return numFeatures; }

    public static EfficientNet efficientnetB0(int numClasses) { return new EfficientNet(B0, 0.2, 0.2, numClasses); }
}
