package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.Dropout;
import dev.graft.nn.F;
import dev.graft.nn.Linear;
import dev.graft.nn.Module;
import dev.graft.nn.ReLU6;
import dev.graft.nn.Sequential;
import java.util.function.IntFunction;

/**
 * MobileNetV2 as torchvision builds it ({@code torchvision/models/mobilenetv2.py}): a 3x3
 * stride-2 stem, inverted residual blocks (1x1 expansion, 3x3 depthwise, linear 1x1
 * projection, all with ReLU6 except the projection), a 1x1 convolution to 1280 channels,
 * global pooling in forward, and {@code classifier = [Dropout(0.2), Linear]}. The zoo entry
 * ({@link #MOBILENET_V2}) and its published weights are declared here.
 */
public class MobileNetV2 extends ImageModel {
    /** The Linear of {@code classifier = [Dropout, Linear]}. */
    static final String HEAD = "classifier.1";
    /** Channels of the last convolution, so of the head's input. */
    static final int LAST_CHANNEL = 1280;

    public static final ModelSpec MOBILENET_V2 = ModelSpec.builder("mobilenet_v2", MobileNetV2::mobilenetV2)
            .groups(LayerGroups.stages(new int[] {0, 2, 4, 7, 14, 19}, null, HEAD)).parameters(3_504_872)
            .weights(WeightsSpec.imagenet1kV1().file("mobilenet_v2-b0353104.pth").acc1(71.878).acc5(90.286).gflops(0.301),
                    WeightsSpec.imagenet1kV2().file("mobilenet_v2-7ebf99e0.pth").acc1(72.154).acc5(90.822).gflops(0.301))
            .build();

    /** (expansion t, channels c, repeats n, first stride s) per stage. */
    static final int[][] SETTING = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };
    private static final IntFunction<BatchNorm2d> NORM = BatchNorm2d::new;

    /** Expand (unless t = 1), depthwise, project; adds the input when shape allows. */
    static final class InvertedResidual extends Module {
        private final boolean useResConnect;

        InvertedResidual(int in, int out, int stride, int expandRatio) {
            int hidden = in * expandRatio;
            useResConnect = stride == 1 && in == out;
            Sequential conv = new Sequential();
            if (expandRatio != 1) conv.add(new Conv2dNormActivation(in, hidden, 1, 1, NORM, ReLU6::new));
            conv.add(new Conv2dNormActivation(hidden, hidden, 3, stride, hidden, NORM, ReLU6::new));
            conv.add(new Conv2d(hidden, out, 1, 1, 0, false));
            conv.add(NORM.apply(out));
            register("conv", conv);
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray out = call("conv", x);
            return useResConnect ? out.addi(x) : out;
        }
    }

    public MobileNetV2(int numClasses, double dropout) {
        int inputChannel = 32;
        Sequential features = new Sequential(new Conv2dNormActivation(3, inputChannel, 3, 2, NORM, ReLU6::new));
        for (int[] s : SETTING) {
            for (int i = 0; i < s[2]; i++) {
                features.add(new InvertedResidual(inputChannel, s[1], i == 0 ? s[3] : 1, s[0]));
                inputChannel = s[1];
            }
        }
        features.add(new Conv2dNormActivation(inputChannel, LAST_CHANNEL, 1, 1, NORM, ReLU6::new));
        register("features", features);
        register("classifier", new Sequential(new Dropout(dropout), new Linear(LAST_CHANNEL, numClasses)));
        TorchvisionInit.mobileStyle(this, false);
    }

    @Override
    protected NDArray pooledFeatures(NDArray x) {
        return F.flatten(F.adaptiveAvgPool2d(call("features", x), 1, 1));
    }

    @Override
    public String headPath() { return HEAD; }

    @Override
    public int numFeatures() { return LAST_CHANNEL; }

    public static MobileNetV2 mobilenetV2(int numClasses) { return new MobileNetV2(numClasses, 0.2); }
}
