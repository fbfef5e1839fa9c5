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

/**
 * ResNet as torchvision builds it ({@code torchvision/models/resnet.py}): BasicBlock for
 * 18/34, Bottleneck with the stride on the 3x3 convolution (v1.5) for 50, same module names,
 * so torchvision state dicts load unchanged. Works at any input size of 32 px or more.
 */
public class ResNet extends ImageModel {
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
        register("fc", new Linear(512 * expansion, numClasses));
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
        return call("fc", features);
    }

    public static ResNet resnet18(int numClasses) { return new ResNet(false, new int[] {2, 2, 2, 2}, numClasses); }

    public static ResNet resnet34(int numClasses) { return new ResNet(false, new int[] {3, 4, 6, 3}, numClasses); }

    public static ResNet resnet50(int numClasses) { return new ResNet(true, new int[] {3, 4, 6, 3}, numClasses); }
}
