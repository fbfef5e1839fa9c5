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
 * its head, layer groups and published weights; see {@link ModelSpec}.
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
                        new WeightsSpec("resnet50", "IMAGENET1K_V2", "resnet50-11ad3fa6.pth", 232, 224, "bilinear",
                                80.858, 95.434, 4.089)), 25_557_032));
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
