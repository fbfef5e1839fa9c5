package dev.graft.models;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The architectures Graft builds, by torchvision name ({@code resnet18}): a list of the
 * entries each family declares beside its code ({@link ResNet#RESNET18}, ...) with its head,
 * layer groups and published weights (V1, then V2 where torchvision has it; the last is the
 * default, as torchvision's {@code DEFAULT}); see {@link ModelSpec}. The numbers are
 * torchvision's and are checked against its weights enums by {@code ZooTest}.
 */
public final class Zoo {
    private static final List<ModelSpec> MODELS = List.of(
            ResNet.RESNET18, ResNet.RESNET34, ResNet.RESNET50,
            Vgg.VGG16, Vgg.VGG16_BN,
            DenseNet.DENSENET121,
            MobileNetV2.MOBILENET_V2,
            MobileNetV3.MOBILENET_V3_LARGE, MobileNetV3.MOBILENET_V3_SMALL,
            EfficientNet.EFFICIENTNET_B0);
    private static List<String> imagenetClasses;

    private Zoo() {}

    public static ModelSpec get(String name) {
        for (ModelSpec s : MODELS) if (s.name().equalsIgnoreCase(name)) return s;
        throw new GraftException("unknown architecture '" + name + "'; choose one of "
                + String.join(", ", MODELS.stream().map(ModelSpec::name).toList()));
    }

    public static List<ModelSpec> all() { return MODELS; }

    /** The 1,000 ImageNet class names in torchvision's order. */
    public static synchronized List<String> imagenetClasses() {
        if (imagenetClasses == null) {
            try (InputStream in = Zoo.class.getResourceAsStream("imagenet_classes.txt")) {
                imagenetClasses = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return imagenetClasses;
    }
}
