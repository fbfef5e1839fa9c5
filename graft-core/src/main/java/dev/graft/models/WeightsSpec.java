package dev.graft.models;

import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.io.WeightCache;

/**
 * A published set of weights, like torchvision's {@code ResNet18_Weights.IMAGENET1K_V1}:
 * where to get the file (its URL, and the sha256 prefix torch hub checks, both from the file
 * name), the inference preset it was evaluated with, and its published ImageNet accuracy and
 * cost. Each family declares its own in its file with named setters,
 * {@code WeightsSpec.imagenet1kV1().file("resnet18-f37072fd.pth").acc1(69.758).acc5(89.078).gflops(1.814)};
 * the architecture's {@link ModelSpec} fills in its name.
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

    /** torchvision-style name, e.g. {@code resnet18.IMAGENET1K_V1}. */
    public String name() { return arch + "." + tag; }

    public String url() { return BASE_URL + fileName; }

    /** The inference transform these weights were evaluated with. */
    public Preset preset() { return Preset.imagenet(resize, crop, Interpolation.parse(interpolation)); }

    /** The sha256 prefix torch.hub checks, from the file name ({@link WeightCache#hashPrefix}); empty if none. */
    public String sha256Prefix() {
        String prefix = WeightCache.hashPrefix(fileName);
        return prefix == null ? "" : prefix;
    }

    /** The preset as one line, e.g. {@code 256/224 bilinear}. */
    public String presetDescription() { return resize + "/" + crop + " " + interpolation; }

    /** torchvision's original weights, evaluated with resize 256, crop 224, bilinear. */
    public static Builder imagenet1kV1() { return new Builder("IMAGENET1K_V1").preset(256, 224, "bilinear"); }

    /** torchvision's newer-recipe weights, evaluated with resize 232, crop 224, bilinear. */
    public static Builder imagenet1kV2() { return new Builder("IMAGENET1K_V2").preset(232, 224, "bilinear"); }

    /** Named fields of one weights descriptor; {@link ModelSpec.Builder#weights} completes it. */
    public static final class Builder {
        private final String tag;
        private String file;
        private int resize;
        private int crop;
        private String interpolation;
        private double acc1 = Double.NaN;
        private double acc5 = Double.NaN;
        private double gflops = Double.NaN;

        private Builder(String tag) { this.tag = tag; }

        /** The file name on download.pytorch.org, with its hash prefix ({@code resnet18-f37072fd.pth}). */
        public Builder file(String name) { file = name; return this; }

        /** The evaluation transform: resize the short side, centre-crop, interpolation. */
        public Builder preset(int resize, int crop, String interpolation) {
            this.resize = resize;
            this.crop = crop;
            this.interpolation = interpolation;
            return this;
        }

        /** Published ImageNet-1k top-1 accuracy in percent. */
        public Builder acc1(double v) { acc1 = v; return this; }

        /** Published ImageNet-1k top-5 accuracy in percent. */
        public Builder acc5(double v) { acc5 = v; return this; }

        /** Published cost per 224x224 image. */
        public Builder gflops(double v) { gflops = v; return this; }

        WeightsSpec build(String arch) {
            if (file == null || Double.isNaN(acc1) || Double.isNaN(acc5) || Double.isNaN(gflops)) {
                throw new IllegalStateException(arch + "." + tag + " lacks its file, accuracy or GFLOPs");
            }
            return new WeightsSpec(arch, tag, file, resize, crop, interpolation, acc1, acc5, gflops);
        }
    }
}
