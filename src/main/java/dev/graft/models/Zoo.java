package dev.graft.models;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The architectures Graft builds, by torchvision name ({@code resnet18}). Each entry knows
 * its head, layer groups and published weights (V1, then V2 where torchvision has it; the
 * last is the default, as torchvision's {@code DEFAULT}); see {@link ModelSpec}. The numbers
 * are torchvision's and are checked against its weights enums by {@code ZooTest}.
 */
public final class Zoo {
    private static final LinkedHashMap<String, ModelSpec> MODELS = new LinkedHashMap<>();
    private static List<String> imagenetClasses;

    static {
        add(new ModelSpec("resnet18", ResNet::resnet18, "fc", 512, resnetGroups(),
                List.of(WeightsSpec.v1("resnet18", "resnet18-f37072fd.pth", 69.758, 89.078, 1.814)), 11_689_512));
        add(new ModelSpec("resnet34", ResNet::resnet34, "fc", 512, resnetGroups(),
                List.of(WeightsSpec.v1("resnet34", "resnet34-b627a593.pth", 73.314, 91.420, 3.664)), 21_797_672));
        add(new ModelSpec("resnet50", ResNet::resnet50, "fc", 2048, resnetGroups(),
                List.of(WeightsSpec.v1("resnet50", "resnet50-0676ba61.pth", 76.130, 92.862, 4.089),
                        WeightsSpec.v2("resnet50", "resnet50-11ad3fa6.pth", 80.858, 95.434, 4.089)), 25_557_032));
        add(new ModelSpec("vgg16", Vgg::vgg16, "classifier.6", 4096, Vgg.groups(false),
                List.of(WeightsSpec.v1("vgg16", "vgg16-397923af.pth", 71.592, 90.382, 15.47)), 138_357_544));
        add(new ModelSpec("vgg16_bn", Vgg::vgg16Bn, "classifier.6", 4096, Vgg.groups(true),
                List.of(WeightsSpec.v1("vgg16_bn", "vgg16_bn-6c64b313.pth", 73.360, 91.516, 15.47)), 138_365_992));
        add(new ModelSpec("densenet121", DenseNet::densenet121, "classifier", 1024, densenetGroups(4),
                List.of(WeightsSpec.v1("densenet121", "densenet121-a639ec97.pth", 74.434, 91.972, 2.834)), 7_978_856));
        add(new ModelSpec("mobilenet_v2", MobileNetV2::mobilenetV2, "classifier.1", 1280,
                stageGroups(new int[] {0, 2, 4, 7, 14, 19}, null, "classifier.1"),
                List.of(WeightsSpec.v1("mobilenet_v2", "mobilenet_v2-b0353104.pth", 71.878, 90.286, 0.301),
                        WeightsSpec.v2("mobilenet_v2", "mobilenet_v2-7ebf99e0.pth", 72.154, 90.822, 0.301)), 3_504_872));
        add(new ModelSpec("mobilenet_v3_large", MobileNetV3::mobilenetV3Large, "classifier.3", 1280,
                stageGroups(new int[] {0, 2, 4, 7, 13, 17}, "classifier.0", "classifier.3"),
                List.of(WeightsSpec.v1("mobilenet_v3_large", "mobilenet_v3_large-8738ca79.pth", 74.042, 91.340, 0.217),
                        WeightsSpec.v2("mobilenet_v3_large", "mobilenet_v3_large-5c1a4163.pth", 75.274, 92.566, 0.217)),
                5_483_032));
        add(new ModelSpec("mobilenet_v3_small", MobileNetV3::mobilenetV3Small, "classifier.3", 1024,
                stageGroups(new int[] {0, 1, 2, 4, 9, 13}, "classifier.0", "classifier.3"),
                List.of(WeightsSpec.v1("mobilenet_v3_small", "mobilenet_v3_small-047dcff4.pth", 67.668, 87.402, 0.057)),
                2_542_856));
        add(new ModelSpec("efficientnet_b0", EfficientNet::efficientnetB0, "classifier.1", 1280,
                stageGroups(new int[] {0, 2, 3, 4, 6, 9}, null, "classifier.1"),
                List.of(new WeightsSpec("efficientnet_b0", "IMAGENET1K_V1", "efficientnet_b0_rwightman-7f5810bc.pth",
                        256, 224, "bicubic", 77.692, 93.532, 0.386)), 5_288_548));
    }

    private Zoo() {}

    static void add(ModelSpec spec) { MODELS.put(spec.name(), spec); }

    private static LinkedHashMap<String, List<String>> resnetGroups() {
        LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
        g.put("stem", List.of("conv1", "bn1"));
        for (int i = 1; i <= 4; i++) g.put("layer" + i, List.of("layer" + i));
        g.put("head", List.of("fc"));
        return g;
    }

    /** DenseNet groups: the stem, each dense block with the transition after it (the last with norm5), the head. */
    private static LinkedHashMap<String, List<String>> densenetGroups(int blocks) {
        LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
        g.put("stem", List.of("features.conv0", "features.norm0"));
        for (int i = 1; i <= blocks; i++) {
            g.put("denseblock" + i, List.of("features.denseblock" + i,
                    i < blocks ? "features.transition" + i : "features.norm5"));
        }
        g.put("head", List.of("classifier"));
        return g;
    }

    /**
     * Groups of a network whose {@code features} is a flat Sequential (MobileNets, EfficientNet):
     * {@code bounds} are the first indices of stem, stage1..stage4 and the end; the stem is
     * everything at stride 2, stage k everything at stride 2^(k+1). An optional hidden
     * classifier layer gets its own group before the head.
     */
    private static LinkedHashMap<String, List<String>> stageGroups(int[] bounds, String hidden, String head) {
        LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
        for (int s = 0; s + 1 < bounds.length; s++) {
            List<String> paths = new java.util.ArrayList<>();
            for (int i = bounds[s]; i < bounds[s + 1]; i++) paths.add("features." + i);
            g.put(s == 0 ? "stem" : "stage" + s, List.copyOf(paths));
        }
        if (hidden != null) g.put("classifier", List.of(hidden));
        g.put("head", List.of(head));
        return g;
    }

    public static ModelSpec get(String name) {
        ModelSpec s = MODELS.get(name.toLowerCase(java.util.Locale.ROOT));
        if (s == null) {
            throw new GraftException("unknown architecture '" + name + "'; choose one of "
                    + String.join(", ", MODELS.keySet()));
        }
        return s;
    }

    public static Collection<ModelSpec> all() { return MODELS.values(); }

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
