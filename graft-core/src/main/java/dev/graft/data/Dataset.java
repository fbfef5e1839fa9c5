package dev.graft.data;

import dev.graft.data.transforms.ImageTransform;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A labelled image collection, indexed 0..size()-1, like a torchvision map-style dataset
 * whose items are (PIL RGB image, class index). Implementations decode lazily (files) or
 * hold uint8 pixels in memory (IDX, CIFAR-10, STL-10); either way {@link #image} may be
 * called from several loader threads at once and must be thread-safe.
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** Class names; label {@code k} means {@code classes().get(k)}. */
    List<String> classes();

    /** Class index of sample {@code i}, known without decoding. */
    int label(int i);

    /** Decoded RGB pixels of sample {@code i}; IOException (with a reason) when unreadable. */
    RgbImage image(int i) throws IOException;

    /**
     * Sample {@code i} decoded and transformed: {@code t.apply(image(i), rng)}. File-backed
     * datasets may take a shortcut with the same result (decoding only a random crop's rows).
     */
    default RgbImage image(int i, ImageTransform t, SplittableRandom rng) throws IOException {
        return t.apply(image(i), rng);
    }

    /** Where sample {@code i} comes from (a file path, or {@code file#record}) for messages. */
    String source(int i);

    /** Number of samples per class, indexed by label. */
    default int[] classCounts() {
        int[] counts = new int[classes().size()];
        for (int i = 0; i < size(); i++) counts[label(i)]++;
        return counts;
    }
}
