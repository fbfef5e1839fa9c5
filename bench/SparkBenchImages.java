import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Photo-like 500x375 JPEGs (quality 90) in class folders for bench/spark-bench.sh, as
 * bench/make-bench-jpegs.py makes them but without Python: a Fashion-MNIST item (Debian's
 * /usr/share/datasets/fashion-mnist, else seeded random blobs) upscaled over a smooth colour
 * gradient with mild noise, so decoding costs what a camera photo of that size costs.
 * Usage: java bench/SparkBenchImages.java OUT_DIR COUNT
 */
public class SparkBenchImages {
    static final String FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    static final String[] CLASSES = {"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"};

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Random rng = new Random(0);
        byte[] items = new byte[count * 784];
        int[] labels = new int[count];
        if (Files.exists(Path.of(FASHION))) {
            try (DataInputStream in = new DataInputStream(new GZIPInputStream(new FileInputStream(FASHION)))) {
                in.skipNBytes(16);
                in.readFully(items);
            }
            try (DataInputStream in = new DataInputStream(new GZIPInputStream(new FileInputStream(FASHION.replace("images-idx3", "labels-idx1"))))) {
                in.skipNBytes(8);
                for (int i = 0; i < count; i++) labels[i] = in.readUnsignedByte();
            }
        } else {
            rng.nextBytes(items);
            for (int i = 0; i < count; i++) labels[i] = rng.nextInt(10);
        }
        int w = 500, h = 375;
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = writer.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(0.9f);
        for (int i = 0; i < count; i++) {
            float[] c0 = {rng.nextFloat(), rng.nextFloat(), rng.nextFloat()}, c1 = {rng.nextFloat(), rng.nextFloat(), rng.nextFloat()};
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float t = (x + y) / (float) (w + h);
                    // bilinear upscale of the 28x28 item into the centre square
                    float u = (x - (w - h) / 2f) * 27f / h, v = y * 27f / h;
                    float item = 0;
                    if (u >= 0 && u < 27) {
                        int x0 = (int) u, y0 = Math.min(26, (int) v);
                        float fx = u - x0, fy = v - y0;
                        int base = i * 784;
                        item = ((items[base + y0 * 28 + x0] & 255) * (1 - fx) * (1 - fy) + (items[base + y0 * 28 + x0 + 1] & 255) * fx * (1 - fy)
                                + (items[base + (y0 + 1) * 28 + x0] & 255) * (1 - fx) * fy + (items[base + (y0 + 1) * 28 + x0 + 1] & 255) * fx * fy) / 255f;
                    }
                    int rgb = 0;
                    for (int ch = 0; ch < 3; ch++) {
                        float bg = c0[ch] * (1 - t) + c1[ch] * t;
                        float val = bg * (1 - 0.8f * item) + 0.8f * item * (1 - bg) + (float) rng.nextGaussian() * 0.03f;
                        rgb = rgb << 8 | Math.max(0, Math.min(255, Math.round(val * 255)));
                    }
                    img.setRGB(x, y, rgb);
                }
            }
            Path dir = Files.createDirectories(out.resolve(CLASSES[labels[i]]));
            try (ImageOutputStream s = ImageIO.createImageOutputStream(dir.resolve(String.format("%05d.jpg", i)).toFile())) {
                writer.setOutput(s);
                writer.write(null, new IIOImage(img, null, null), p);
            }
        }
    }
}
