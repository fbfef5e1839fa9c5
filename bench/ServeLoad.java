import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Load benchmark of {@code graft serve} on 127.0.0.1 (bench/serve.md): a seeded random
 * resnet18 with 10 classes at 64 px (preset 73/64) is served by a separate {@code graft serve}
 * process; 1, 8 and 32 closed-loop clients POST 160x120 JPEGs to /predictions/NAME, with
 * batching (--max-batch 16 --max-wait-ms 5) and without (--max-batch 1). Each point runs at
 * most REQUESTS requests or SECONDS seconds after a warm-up. Then 10,000 requests from 8
 * clients with batching, the server's RSS read from /proc every 1,000. Bounded in count and
 * time; not a unit test. Run: bench/serve-load.sh [REQUESTS] [SECONDS].
 */
public class ServeLoad {
    static List<byte[]> images = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int maxRequests = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("serve-load");
        Path run = dir.resolve("resnet18-64px");
        Rng.manualSeed(1);
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < 10; i++) classes.add("class" + i);
        try (ImageModel m = Zoo.get("resnet18").build(classes.size())) {
            SavedModel.write(run, m, "resnet18", classes, Preset.imagenet(73, 64, Interpolation.BILINEAR), HeadSpec.LINEAR, "none");
        }
        Random rnd = new Random(2);
        for (int i = 0; i < 8; i++) images.add(jpeg(rnd));

        StringBuilder table = new StringBuilder();
        table.append("| batching | clients | requests | errors | req/s | p50 ms | p99 ms | mean batch | load avg (1 min) |\n");
        table.append("|---|---|---|---|---|---|---|---|---|\n");
        double[][] rps = new double[2][3];
        int[] clientCounts = {1, 8, 32};
        // both servers up at once, the two modes measured back to back at each client count, so a
        // change in the machine's load hits both alike
        Server[] servers = {Server.start(run, 16, 5), Server.start(run, 1, 0)};
        try {
            for (int c = 0; c < clientCounts.length; c++) {
                for (int mode = 0; mode < 2; mode++) {
                    Server s = servers[mode];
                    int clients = clientCounts[c];
                    load(s.url, clients, 50L + 20L * clients, 60); // warm-up
                    long[] before = s.stats();
                    Result r = load(s.url, clients, maxRequests, seconds);
                    long[] after = s.stats();
                    double meanBatch = (double) (after[1] - before[1]) / Math.max(1, after[0] - before[0]);
                    rps[mode][c] = r.rps();
                    String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.2f | %s |",
                            mode == 0 ? "max-batch 16, max-wait 5 ms" : "off (max-batch 1)", clients, r.count, r.errors,
                            r.rps(), r.pct(50), r.pct(99), meanBatch, loadavg());
                    System.out.println(row);
                    table.append(row).append('\n');
                }
            }
        } finally {
            for (Server s : servers) s.stop();
        }
        String ratio = String.format(Locale.ROOT, "At 8 clients batching gives %.2fx the requests/s of one-at-a-time (1 client: %.2fx, 32 clients: %.2fx).",
                rps[0][1] / rps[1][1], rps[0][0] / rps[1][0], rps[0][2] / rps[1][2]);
        System.out.println(ratio);

        // memory over 10,000 requests, 8 clients, batching
        Server s = Server.start(run, 16, 5);
        StringBuilder mem = new StringBuilder("| requests | server RSS MB | errors so far | load avg |\n|---|---|---|---|\n");
        int errors = 0;
        long[] rss = new long[11];
        rss[0] = s.rssKb();
        mem.append(String.format(Locale.ROOT, "| 0 | %.1f | 0 | %s |%n", rss[0] / 1024.0, loadavg()));
        for (int k = 1; k <= 10; k++) {
            Result r = load(s.url, 8, 1000, 600);
            errors += r.errors + (r.count < 1000 ? 1000 - r.count : 0);
            rss[k] = s.rssKb();
            mem.append(String.format(Locale.ROOT, "| %d | %.1f | %d | %s |%n", k * 1000, rss[k] / 1024.0, errors, loadavg()));
        }
        s.stop();
        System.out.print(mem);
        String memNote = String.format(Locale.ROOT, "RSS after 1,000 requests %.1f MB, after 5,000 %.1f MB, after 10,000 %.1f MB"
                + " (%+.1f MB over the last 5,000); %d errors.",
                rss[1] / 1024.0, rss[5] / 1024.0, rss[10] / 1024.0, (rss[10] - rss[5]) / 1024.0, errors);
        System.out.println(memNote);

        String cpu = new String(Files.readAllBytes(Path.of("/proc/cpuinfo")), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("model name")).findFirst().orElse("?").replaceAll(".*:\\s*", "");
        String md = "# graft serve under load\n\n"
                + "`bench/serve-load.sh " + maxRequests + " " + seconds + "` (bench/ServeLoad.java): a separate `graft serve` process on 127.0.0.1, "
                + "a seeded random resnet18, 10 classes, 64 px input (preset 73/64), `--threads 2`; closed-loop clients in the benchmark's JVM POST "
                + "160x120 JPEGs to `/predictions/NAME` (each point: at most " + maxRequests + " requests or " + seconds + " s after a warm-up). "
                + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), shared with other jobs: the load average "
                + "is noted with each row, so the numbers are lower and noisier than on an idle machine.\n\n"
                + table + "\n" + ratio + "\n\n## Memory over 10,000 requests (8 clients, batching)\n\n" + mem + "\n" + memNote + "\n";
        Files.writeString(Path.of("bench", "serve.md"), md);
    }

    static String loadavg() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    static byte[] jpeg(Random rnd) throws Exception {
        BufferedImage img = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(rnd.nextInt(0xffffff)), 160, 120, new Color(rnd.nextInt(0xffffff))));
        g.fillRect(0, 0, 160, 120);
        for (int i = 0; i < 6; i++) {
            g.setColor(new Color(rnd.nextInt(0xffffff)));
            g.fillOval(rnd.nextInt(140), rnd.nextInt(100), 10 + rnd.nextInt(40), 10 + rnd.nextInt(40));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    record Result(int count, int errors, double seconds, long[] latenciesNs) {
        double rps() { return count / seconds; }

        double pct(int p) {
            if (latenciesNs.length == 0) return Double.NaN;
            long[] s = latenciesNs.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
        }
    }

    /** {@code clients} closed-loop clients until {@code max} requests are done or {@code seconds} pass. */
    static Result load(String url, int clients, long max, int seconds) throws Exception {
        AtomicInteger issued = new AtomicInteger(), errors = new AtomicInteger();
        long[] lat = new long[(int) max];
        AtomicInteger done = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int me = c;
            Thread t = new Thread(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                int i;
                while ((i = issued.getAndIncrement()) < max && System.nanoTime() < end) {
                    byte[] img = images.get((i + me) % images.size());
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "image/jpeg")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(img)).build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) errors.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    lat[done.getAndIncrement()] = System.nanoTime() - t0;
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        double secs = (System.nanoTime() - start) / 1e9;
        int n = done.get();
        return new Result(n, errors.get(), secs, Arrays.copyOf(lat, n));
    }

    /** A {@code graft serve} process. */
    record Server(Process process, String url, StringBuffer log) {
        static Server start(Path run, int maxBatch, int maxWaitMs) throws Exception {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(javaBin, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                    "dev.graft.cli.Main", "serve", "--model", "bench=" + run, "--port", "0", "--threads", "2",
                    "--max-batch", Integer.toString(maxBatch), "--max-wait-ms", Integer.toString(maxWaitMs), "--max-queue", "256");
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            Process p = pb.start();
            StringBuffer log = new StringBuffer();
            AtomicInteger lines = new AtomicInteger();
            Thread out = new Thread(() -> drain(p.getInputStream(), null, lines));
            out.setDaemon(true);
            out.start();
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            Pattern serving = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)");
            for (String line; (line = err.readLine()) != null; ) {
                log.append(line).append('\n');
                Matcher m = serving.matcher(line);
                if (m.find()) {
                    Thread rest = new Thread(() -> drain(p.getErrorStream(), log, null));
                    rest.setDaemon(true);
                    rest.start();
                    return new Server(p, m.group(1) + "predictions/bench", log);
                }
            }
            throw new IllegalStateException("graft serve did not start:\n" + log);
        }

        static void drain(java.io.InputStream in, StringBuffer keep, AtomicInteger lines) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (keep != null) keep.append(line).append('\n');
                }
            } catch (Exception ignored) {
                // the process ended
            }
        }

        /** {forward passes, images predicted} so far, from GET /models. */
        long[] stats() throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url.replace("predictions/bench", "models"))).build(), HttpResponse.BodyHandlers.ofString());
            Matcher passes = Pattern.compile("\"forwardPasses\":(\\d+)").matcher(r.body());
            Matcher imgs = Pattern.compile("\"imagesPredicted\":(\\d+)").matcher(r.body());
            if (!passes.find() || !imgs.find()) throw new IllegalStateException("no counts in /models: " + r.body());
            return new long[] {Long.parseLong(passes.group(1)), Long.parseLong(imgs.group(1))};
        }

        long rssKb() throws Exception {
            for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
            }
            return -1;
        }

        void stop() throws Exception {
            process.destroy();
            process.waitFor();
        }
    }
}
