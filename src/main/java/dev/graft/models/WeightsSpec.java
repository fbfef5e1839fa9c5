package dev.graft.models;

import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A published set of weights, like torchvision's {@code ResNet18_Weights.IMAGENET1K_V1}:
 * where to get the file, its hash prefix, the inference preset it was evaluated with, and
 * its published ImageNet accuracy and cost.
 */
public record WeightsSpec(
        String arch,
        String tag,
        String fileName,
        int resize,
        int crop,
        String interpolation,
        double acc1,
        double acc5,
        double gflops) {

    public static final String BASE_URL = "https://download.pytorch.org/models/";
    private static final Pattern HASH = Pattern.compile("-([a-f0-9]*)\\.");

    /** torchvision-style name, e.g. {@code resnet18.IMAGENET1K_V1}. */
    public String name() { return arch + "." + tag; }

    public String url() { return BASE_URL + fileName; }

    /** The inference transform these weights were evaluated with. */
    public Preset preset() { return Preset.imagenet(resize, crop, Interpolation.parse(interpolation)); }

    /** The sha256 prefix torch.hub checks: the first {@code -([a-f0-9]*)\.} in the file name. */
    public String sha256Prefix() {
        Matcher m = HASH.matcher(fileName);
        return m.find() ? m.group(1) : "";
    }

    public static WeightsSpec v1(String arch, String file, double acc1, double acc5, double gflops) {
        return new WeightsSpec(arch, "IMAGENET1K_V1", file, 256, 224, "bilinear", acc1, acc5, gflops);
    }

    /** torchvision's newer-recipe weights, evaluated with resize 232 and crop 224. */
    public static WeightsSpec v2(String arch, String file, double acc1, double acc5, double gflops) {
        return new WeightsSpec(arch, "IMAGENET1K_V2", file, 232, 224, "bilinear", acc1, acc5, gflops);
    }

    /** The preset as one line, e.g. {@code 256/224 bilinear}. */
    public String presetDescription() { return resize + "/" + crop + " " + interpolation; }
}
