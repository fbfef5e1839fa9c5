package dev.graft.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft serve} as a process: it prints where it listens, a request caught in flight
 * when SIGTERM arrives is still answered (200, graft predict's top label), the process exits
 * 0, and the access log on stdout has the request's line.
 */
class ServeProcessTest {
    @Test
    void sigtermFinishesTheRequestInFlightAndExitsZero(@TempDir Path tmp) throws Exception {
        Path run = ServeFixtures.run(tmp.resolve("tiny"), 31, ServeFixtures.CLASSES);
        Path image = ServeFixtures.images(tmp.resolve("images"), 1, 4).get(0);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a batch of 2 waits 6 s for company, so a lone request is surely in flight when SIGTERM comes
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "dev.graft.cli.Main", "serve", "--model", run.toString(), "--port", "0", "--max-batch", "2", "--max-wait-ms", "6000",
                "--threads", "1");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.redirectOutput(tmp.resolve("stdout.txt").toFile());
        Process p = pb.start();
        try {
            StringBuffer err = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) err.append(line).append('\n');
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.start();
            Pattern serving = Pattern.compile("serving tiny at http://127\\.0\\.0\\.1:(\\d+)/");
            String port = null;
            for (long end = System.currentTimeMillis() + 60_000; port == null && p.isAlive() && System.currentTimeMillis() < end; ) {
                Matcher m = serving.matcher(err);
                if (m.find()) port = m.group(1);
                else Thread.sleep(20);
            }
            assertNotNull(port, "graft serve did not say where it listens");
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predictions/tiny?topk=1"))
                    .POST(HttpRequest.BodyPublishers.ofFile(image)).build();
            HttpClient client = HttpClient.newHttpClient();
            // warm up with two requests together (a full batch goes at once): code loaded, model run once
            CompletableFuture<HttpResponse<String>> w1 = client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> w2 = client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, w1.get(60, TimeUnit.SECONDS).statusCode());
            assertEquals(200, w2.get(60, TimeUnit.SECONDS).statusCode());
            CompletableFuture<HttpResponse<String>> reply = client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            Thread.sleep(1_500);
            assertTrue(p.isAlive());
            p.destroy(); // SIGTERM
            HttpResponse<String> r;
            try {
                r = reply.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                p.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("no answer; the server printed:\n" + java.nio.file.Files.readString(tmp.resolve("stdout.txt"))
                        + err, e);
            }
            assertEquals(200, r.statusCode(), r.body());
            String expected = ServeFixtures.predict(run, List.of(image), 1).getAsJsonArray("predictions").get(0)
                    .getAsJsonObject().getAsJsonArray("top").get(0).getAsJsonObject().get("label").getAsString();
            assertTrue(r.body().startsWith("{\"" + expected + "\":"), r.body());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "graft serve did not stop");
            assertEquals(0, p.exitValue());
            String log = java.nio.file.Files.readString(tmp.resolve("stdout.txt"));
            assertEquals(3, log.lines().filter(l -> l.contains("POST /predictions/tiny 200")).count(), log);
        } finally {
            p.destroyForcibly();
        }
    }
}
