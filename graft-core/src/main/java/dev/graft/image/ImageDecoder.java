package dev.graft.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Decodes image files into RGB exactly as PIL's {@code Image.open(p).convert("RGB")} does
 * (Pillow 9.4, the version behind torchvision 0.14): PNG bit-exact in every mode (grey,
 * grey+alpha, RGB, RGBA, palette, 1/2/4/16-bit; alpha dropped, not composited), JPEG
 * through libjpeg with PIL's colour conversions (grey, YCbCr, RGB, CMYK/YCCK), PBM/PGM/PPM,
 * and BMP/TIFF/GIF through ImageIO. WEBP is not supported (ImageIO cannot read it) and says
 * so. Anything unreadable (empty, truncated, corrupt, not an image) is an IOException whose
 * message is a short reason, which the dataset code reports when it skips the file. Thread
 * safe; decoders are per thread.
 */
public final class ImageDecoder {
    /** PIL refuses images above 2 x Image.MAX_IMAGE_PIXELS (DecompressionBombError); so do we. */
    static final long MAX_PIXELS = 2L * 89_478_485;

    private ImageDecoder() {}

    /** Decodes a file; throws IOException with a short reason when it is not a readable image. */
    public static RgbImage decode(Path file) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("file not found");
        }
        return decode(data);
    }

    /** Decodes the bytes of an image file (any supported format, detected from its content). */
    public static RgbImage decode(byte[] data) throws IOException {
        if (data.length == 0) throw new IOException("empty file");
        try {
            if (JpegDecoder.isJpeg(data)) return JpegDecoder.decode(data);
            if (PngDecoder.isPng(data)) return PngDecoder.decode(data);
            if (PnmDecoder.isPnm(data)) return PnmDecoder.decode(data);
            if (isWebp(data)) throw new IOException("WEBP images are not supported (convert to PNG or JPEG)");
            return AwtConverter.decode(data);
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            // Header fields that point past the data: a damaged file, not a bug to surface.
            throw new IOException("corrupt or truncated image");
        } catch (OutOfMemoryError e) {
            throw new IOException("image too large to decode");
        }
    }

    /**
     * {width, height} read from the header without decoding pixels (JPEG and PNG), or null
     * when only a full decode can tell. Throws IOException for a header that is damaged.
     */
    public static int[] size(byte[] data) throws IOException {
        try {
            if (JpegDecoder.isJpeg(data)) {
                int[] wh = JpegDecoder.size(data);
                return wh[0] > 0 && wh[1] > 0 ? wh : null;
            }
            if (PngDecoder.isPng(data) && data.length >= 24) {
                int w = ((data[16] & 0xFF) << 24) | ((data[17] & 0xFF) << 16) | ((data[18] & 0xFF) << 8) | (data[19] & 0xFF);
                int h = ((data[20] & 0xFF) << 24) | ((data[21] & 0xFF) << 16) | ((data[22] & 0xFF) << 8) | (data[23] & 0xFF);
                return w > 0 && h > 0 ? new int[] {w, h} : null;
            }
            return null;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IOException("corrupt or truncated image");
        }
    }

    /**
     * The region (left x, top y, width w, height h) of the image, identical to cropping
     * {@link #decode(byte[])}; for JPEG only the rows down to the region's bottom are decoded,
     * which is what makes decode + RandomResizedCrop cheaper (see
     * {@code EncodedImageTransform}). The region must lie inside the image.
     */
    public static RgbImage decodeRegion(byte[] data, int x, int y, int w, int h) throws IOException {
        if (data.length == 0) throw new IOException("empty file");
        if (JpegDecoder.isJpeg(data)) {
            try {
                return JpegDecoder.decodeRegion(data, x, y, w, h);
            } catch (ArrayIndexOutOfBoundsException e) {
                throw new IOException("corrupt or truncated image");
            }
        }
        RgbImage full = decode(data);
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > full.width() || y + h > full.height()) {
            throw new IllegalArgumentException("region " + x + "," + y + " " + w + "x" + h + " outside the "
                    + full.width() + "x" + full.height() + " image");
        }
        return crop(full, x, y, w, h);
    }

    static RgbImage crop(RgbImage img, int x, int y, int w, int h) {
        if (x == 0 && y == 0 && w == img.width() && h == img.height()) return img;
        byte[] out = new byte[w * h * 3];
        for (int r = 0; r < h; r++) {
            System.arraycopy(img.pixels(), ((y + r) * img.width() + x) * 3, out, r * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    private static boolean isWebp(byte[] d) {
        return d.length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F'
                && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P';
    }
}
