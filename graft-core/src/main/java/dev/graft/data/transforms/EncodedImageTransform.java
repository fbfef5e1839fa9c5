package dev.graft.data.transforms;

import dev.graft.image.ImageDecoder;
import dev.graft.image.RgbImage;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * A transform that can start from the encoded file instead of the decoded image, decoding
 * only what it needs (RandomResizedCrop decodes a JPEG only down to its crop's bottom row).
 * The result, and the random draws, are exactly those of {@code apply(decode(bytes), rng)};
 * it is only faster. Loaders call {@link #decodeAndApply} for any transform, which takes the
 * shortcut when the transform offers it.
 */
public interface EncodedImageTransform extends ImageTransform {
    /** Same as {@code apply(ImageDecoder.decode(encoded), rng)}. */
    RgbImage applyEncoded(byte[] encoded, SplittableRandom rng) throws IOException;

    /** Decodes and transforms one file's bytes, through the shortcut when the transform has one. */
    static RgbImage decodeAndApply(ImageTransform transform, byte[] encoded, SplittableRandom rng)
            throws IOException {
        if (transform instanceof EncodedImageTransform e) return e.applyEncoded(encoded, rng);
        return transform.apply(ImageDecoder.decode(encoded), rng);
    }
}
