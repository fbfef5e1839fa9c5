package dev.graft.models;

import ai.djl.ndarray.NDArray;
import dev.graft.nn.AdaptiveAvgPool2d;
import dev.graft.nn.BatchNorm2d;
import dev.graft.nn.Conv2d;
import dev.graft.nn.F;
import dev.graft.nn.Init;
import dev.graft.nn.Linear;
import dev.graft.nn.MaxPool2d;
import dev.graft.nn.Module;
import dev.graft.nn.ReLU;
import dev.graft.nn.Sequential;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * ResNet as torchvision builds it ({@code torchvision/models/resnet.py}): BasicBlock for
 * 18/34, Bottleneck with the stride on the 3x3 convolution (v1.5) for 50, same module names,
 * so torchvision state dicts load unchanged. Works at any input size of 32 px or more.
 * The zoo entries ({@link #RESNET18}, {@link #RESNET34}, {@link #RESNET50}) with their
 * published weights are declared here, as torchvision's {@code ResNet18_Weights}.
 */
public class ResNet extends ImageModel {
    /** The classifier, {@code Linear(numFeatures, classes)}. */
    static final String HEAD = "fc";

    public static final ModelSpec RESNET18 = ModelSpec.builder("resnet18", ResNet::resnet18)
            .groups(groups()).parameters(11_689_512)
            .weights(WeightsSpec.imagenet1kV1().file("resnet18-f37072fd.pth").acc1(69.758).acc5(89.078).gflops(1.814))
            .build();
    public static final ModelSpec RESNET34 = ModelSpec.builder("resnet34", ResNet::resnet34)
            .groups(groups()).parameters(21_797_672)
            .weights(WeightsSpec.imagenet1kV1().file("resnet34-b627a593.pth").acc1(73.314).acc5(91.420).gflops(3.664))
            .build();
    public static final ModelSpec RESNET50 = ModelSpec.builder("resnet50", ResNet::resnet50)
            .groups(groups()).parameters(25_557_032)
            .weights(WeightsSpec.imagenet1kV1().file("resnet50-0676ba61.pth").acc1(76.130).acc5(92.862).gflops(4.089),
                    WeightsSpec.imagenet1kV2().file("resnet50-11ad3fa6.pth").acc1(80.858).acc5(95.434).gflops(4.089))
            .build();

    private final int numFeatures;
    private int inplanes = 64;

    /** Residual block of two 3x3 convolutions (ResNet-18/34). */
    public static final class BasicBlock extends Module {
        static final int EXPANSION = 1;
        private final boolean hasDownsample;

        BasicBlock(int inplanes, int planes, int stride, Sequential downsample) {
            register("conv1", new Conv2d(inplanes, planes, 3, stride, 1, false));
            register("bn1", new BatchNorm2d(planes));
            register("relu", new ReLU());
            register("conv2", new Conv2d(planes, planes, 3, 1, 1, false));
            register("bn2", new BatchNorm2d(planes));
            hasDownsample = downsample != null;
            if (hasDownsample) register("downsample", downsample);
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray out = call("relu", call("bn1", call("conv1", x)));
            out = call("bn2", call("conv2", out));
            NDArray identity = hasDownsample ? call("downsample", x) : x;
            return F.relu_(out.addi(identity));
        }
    }

    /** 1x1 -> 3x3 (stride here, v1.5) -> 1x1 bottleneck with expansion 4 (ResNet-50). */
    public static final class Bottleneck extends Module {
        static final int EXPANSION = 4;
        private final boolean hasDownsample;

        Bottleneck(int inplanes, int planes, int stride, Sequential downsample) {
            register("conv1", new Conv2d(inplanes, planes, 1, 1, 0, false));
            register("bn1", new BatchNorm2d(planes));
            register("conv2", new Conv2d(planes, planes, 3, stride, 1, false));
            register("bn2", new BatchNorm2d(planes));
            register("conv3", new Conv2d(planes, planes * EXPANSION, 1, 1, 0, false));
            register("bn3", new BatchNorm2d(planes * EXPANSION));
            register("relu", new ReLU());
            hasDownsample = downsample != null;
            if (hasDownsample) register("downsample", downsample);
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray out = call("relu", call("bn1", call("conv1", x)));
            out = call("relu", call("bn2", call("conv2", out)));
            out = call("bn3", call("conv3", out));
            NDArray identity = hasDownsample ? call("downsample", x) : x;
            return F.relu_(out.addi(identity));
        }
    }

    public ResNet(boolean bottleneck, int[] layers, int numClasses) {
        int expansion = bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        register("conv1", new Conv2d(3, 64, 7, 2, 3, false));
        register("bn1", new BatchNorm2d(64));
        register("relu", new ReLU());
        register("maxpool", new MaxPool2d(3, 2, 1));
        register("layer1", makeLayer(bottleneck, 64, layers[0], 1));
        register("layer2", makeLayer(bottleneck, 128, layers[1], 2));
        register("layer3", makeLayer(bottleneck, 256, layers[2], 2));
        register("layer4", makeLayer(bottleneck, 512, layers[3], 2));
        register("avgpool", new AdaptiveAvgPool2d(1));
        numFeatures = 512 * expansion;
        register(HEAD, new Linear(numFeatures, numClasses));
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) c.weight().set(Init.kaimingNormalFanOut(c.weight().array().getShape()));
        }
    }

    private Sequential makeLayer(boolean bottleneck, int planes, int blocks, int stride) {
        int expansion = bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        Sequential downsample = null;
        if (stride != 1 || inplanes != planes * expansion) {
            downsample = new Sequential(new Conv2d(inplanes, planes * expansion, 1, stride, 0, false),
                    new BatchNorm2d(planes * expansion));
        }
        Sequential layer = new Sequential();
        for (int i = 0; i < blocks; i++) {
            int s = i == 0 ? stride : 1;
            Sequential ds = i == 0 ? downsample : null;
            layer.add(bottleneck ? new Bottleneck(inplanes, planes, s, ds) : new BasicBlock(inplanes, planes, s, ds));
            inplanes = planes * expansion;
        }
        return layer;
    }

    @Override
    protected NDArray pooledFeatures(NDArray x) {
        x = call("maxpool", call("relu", call("bn1", call("conv1", x))));
        x = call("layer4", call("layer3", call("layer2", call("layer1", x))));
        return F.flatten(call("avgpool", x));
    }

    @Override
    protected NDArray head(NDArray features) {
        return call(HEAD, features);
    }

    @Override
    public String headPath() { return HEAD; }

    @Override
    public int numFeatures() { return numFeatures; }

    /** The stem, the four stages {@code layer1..layer4}, and the head. */
    private static LinkedHashMap<String, List<String>> groups() {
        LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
        g.put("stem", List.of("conv1", "bn1"));
        for (int i = 1; i <= 4; i++) g.put("layer" + i, List.of("layer" + i));
        g.put(ModelSpec.HEAD_GROUP, List.of(HEAD));
        return g;
    }

    public static ResNet resnet18(int numClasses) { return new ResNet(false, new int[] {2, 2, 2, 2}, numClasses); }

    public static ResNet resnet34(int numClasses) { return new ResNet(false, new int[] {3, 4, 6, 3}, numClasses); }

    public static ResNet resnet50(int numClasses) { return new ResNet(true, new int[] {3, 4, 6, 3}, numClasses); }
}
