package dev.graft.image;

/**
 * A decoded 8-bit RGB image, pixels interleaved row by row (HWC), as PIL holds an "RGB"
 * image. Transforms take and return these until the final to-tensor step.
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes for "
                    + width + "x" + height + " RGB, got " + pixels.length);
        }
    }
}
