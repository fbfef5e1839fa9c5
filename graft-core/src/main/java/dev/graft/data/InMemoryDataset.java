package dev.graft.data;

import dev.graft.image.RgbImage;
import java.util.List;

/**
 * Decoded images kept in memory as uint8 pixels (interleaved rows, 1 or 3 channels), as
 * torchvision keeps MNIST, CIFAR-10 and STL-10: a 60,000-image Fashion-MNIST takes 47 MB,
 * not the 560 MB floats would. Grey images stay one channel here and become RGB (the grey
 * value copied into R, G and B, as PIL's {@code convert("RGB")} does) when handed out.
 */
public final class InMemoryDataset implements Dataset {
    private final String name;
    private final List<String> classes;
    private final int width;
    private final int height;
    private final int channels;
    private final byte[] pixels;
    private final int[] labels;

    /**
     * @param name   shown in {@link #source} as {@code name#index}
     * @param pixels {@code labels.length} images of height x width x channels bytes, HWC
     */
    public InMemoryDataset(String name, List<String> classes, int width, int height, int channels,
                           byte[] pixels, int[] labels) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3");
        if ((long) labels.length * width * height * channels != pixels.length) {
            throw new IllegalArgumentException("pixel array does not hold " + labels.length + " images");
        }
        for (int l : labels) {
            if (l < 0 || l >= classes.size()) throw new IllegalArgumentException("label " + l + " out of range");
        }
        this.name = name;
        this.classes = List.copyOf(classes);
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = pixels;
        this.labels = labels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** 1 (grey) or 3 (RGB) as stored; {@link #image} always returns RGB. */
    public int channels() {
        return channels;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public RgbImage image(int i) {
        int n = width * height;
        byte[] rgb = new byte[n * 3];
        int off = i * n * channels;
        if (channels == 3) {
            System.arraycopy(pixels, off, rgb, 0, n * 3);
        } else {
            for (int p = 0; p < n; p++) {
                byte g = pixels[off + p];
                rgb[3 * p] = g;
                rgb[3 * p + 1] = g;
                rgb[3 * p + 2] = g;
            }
        }
        return new RgbImage(width, height, rgb);
    }

    @Override
    public String source(int i) {
        return name + "#" + i;
    }
}
