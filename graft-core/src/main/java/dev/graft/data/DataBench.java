package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.data.transforms.ImageTransform;
import dev.graft.data.transforms.RandomHorizontalFlip;
import dev.graft.data.transforms.RandomResizedCrop;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures how many images per second the data pipeline delivers: decode + the given
 * transform + normalize to float NCHW, through the {@link Loader} with its worker threads,
 * on an image folder, as torchvision's {@code ImageFolder} + {@code DataLoader} would be timed
 * ({@code bench/data-vs-torchvision.sh} runs both on the same folder). A warm-up (JIT, page
 * cache) runs first and is not counted; then whole batches are counted until the time is up.
 */
public final class DataBench {
    private DataBench() {}

    /**
     * What one run measured. {@code cpuSeconds} is the CPU time the whole process used in the
     * measured window (all threads, JIT and GC included), so {@code imagesPerCpuSecond} is the
     * per-core throughput and stays meaningful on a machine shared with other work.
     */
    public record Result(long images, double seconds, double imagesPerSecond, double cpuSeconds,
                         double imagesPerCpuSecond, int workers, int imageSize, int batchSize, int skipped) {
        /** {@code {"images_per_second": X, ...}} as {@code graft bench --mode data --json} prints. */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"images_per_second\": %.1f, \"images_per_cpu_second\": %.1f,"
                    + " \"images\": %d, \"seconds\": %.3f, \"cpu_seconds\": %.3f, \"workers\": %d,"
                    + " \"image_size\": %d, \"batch_size\": %d, \"skipped\": %d}",
                    imagesPerSecond, imagesPerCpuSecond, images, seconds, cpuSeconds, workers, imageSize, batchSize,
                    skipped);
        }
    }

    // CPU time of this process in ns (all threads), or -1 when the JVM cannot tell.
    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return -1;
    }

    /** Batch size 32, warm-up of min(3 s, seconds / 3). */
    public static Result run(Path dir, int imageSize, int workers, double seconds, ImageTransform transform) {
        return run(dir, imageSize, workers, seconds, transform, 32);
    }

    /**
     * @param dir       a folder of class folders (read as {@link ImageFolder})
     * @param imageSize reported only; {@code transform} must produce images of this size
     * @param seconds   time measured after the warm-up
     */
    public static Result run(Path dir, int imageSize, int workers, double seconds, ImageTransform transform,
                             int batchSize) {
        if (!(seconds > 0)) throw new GraftException("Bench time must be positive, got " + seconds + " s.");
        Dataset data = new ImageFolder(dir);
        SkipList skips = new SkipList(w -> {});
        double warmup = Math.min(3, seconds / 3);
        try (Loader loader = Loader.builder(data).transform(transform).batchSize(batchSize).shuffle(true).seed(0)
                .workers(workers).skipList(skips).build()) {
            long images = 0;
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmup * 1e9);
            long end = measureFrom + (long) (seconds * 1e9);
            boolean measuring = false;
            long t0 = 0, cpu0 = 0;
            for (int epoch = 0; ; epoch++) {
                try (Loader.Epoch e = loader.epoch(epoch)) {
                    for (Batch b : e) {
                        long now = System.nanoTime();
                        if (!measuring && now >= measureFrom) {
                            measuring = true;
                            t0 = now;
                            cpu0 = processCpuNanos();
                        } else if (measuring) {
                            images += b.size();
                            if (now >= end) {
                                double s = (now - t0) / 1e9;
                                double cpu = (processCpuNanos() - cpu0) / 1e9;
                                return new Result(images, s, images / s, cpu, cpu > 0 ? images / cpu : Double.NaN,
                                        workers, imageSize, batchSize, skips.size());
                            }
                        }
                        b.close();
                    }
                }
            }
        }
    }

    /**
     * {@code DataBench DIR [--image-size 224] [--workers N] [--seconds 20] [--batch-size 32]}: prints
     * the JSON result for RandomResizedCrop(size) + RandomHorizontalFlip + ImageNet normalize.
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: DataBench DIR [--image-size 224] [--workers N] [--seconds 20] [--batch-size 32]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int size = 224, workers = Runtime.getRuntime().availableProcessors(), batch = 32;
        double seconds = 20;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--image-size" -> size = Integer.parseInt(args[i + 1]);
                case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--batch-size" -> batch = Integer.parseInt(args[i + 1]);
                default -> throw new GraftException("Unknown DataBench option " + args[i] + ".");
            }
        }
        System.out.println(run(dir, size, workers, seconds, standardAugment(size), batch).toJson());
    }

    /** The seeds' training transform: RandomResizedCrop(size) then RandomHorizontalFlip. */
    static ImageTransform standardAugment(int size) {
        return new RandomResizedCrop(size).then(new RandomHorizontalFlip());
    }
}
