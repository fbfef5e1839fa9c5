package dev.graft.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of {@link GraftServer} and every refusal, over HTTP against a server started
 * on 127.0.0.1 on a free port with two tiny models: answers equal {@code graft predict}'s
 * (top-1 the same, probabilities within 1e-5) through TorchServe's raw and multipart uploads
 * and KServe v2's BYTES and FP32 inputs; 400/404/405/413/503 answer one JSON sentence and
 * the server keeps serving; one access-log line per request.
 */
class ServeHttpTest {
    @TempDir
    static Path tmp;
    static Path run;
    static List<Path> images;
    static GraftServer server;
    static String base;
    static JsonArray expected;
    static final List<String> log = Collections.synchronizedList(new ArrayList<>());
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        run = ServeFixtures.run(tmp.resolve("tiny"), 11, ServeFixtures.CLASSES);
        Path other = ServeFixtures.run(tmp.resolve("other"), 12, List.of("x", "y"));
        images = ServeFixtures.images(tmp.resolve("images"), 4, 5);
        server = new GraftServer(List.of(ModelSlot.open("tiny", run, false), ModelSlot.open("other", other, false)),
                GraftServer.Options.defaults().withPort(0).withQueue(2, 2_000)
                        .withBatching(8, 5), log::add);
        base = "http://127.0.0.1:" + server.start();
        expected = ServeFixtures.predict(run, images, 4).getAsJsonArray("predictions");
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            JsonElement e = JsonParser.parseString(body);
            assertFalse(body.contains("NaN") || body.contains("Infinity"), body);
            return e.getAsJsonObject();
        }
    }

    static Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)));
    }

    static Reply post(String path, byte[] body, String type) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static Reply postJson(String path, Object body) {
        return post(path, new com.google.gson.Gson().toJson(body).getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /** A refusal: the status, and a body that is exactly {"error": one sentence}. */
    static String refused(Reply r, int status) {
        assertEquals(status, r.status(), r.body());
        JsonObject o = r.json();
        assertEquals(1, o.size(), r.body());
        String msg = o.get("error").getAsString();
        assertTrue(msg.endsWith(".") && !msg.contains("\n") && !msg.contains("Exception") && !msg.contains("at dev."), msg);
        return msg;
    }

    /** graft predict's top classes of an image, best first (run once for all images). */
    static JsonArray expectedTop(int image, int topk) {
        JsonArray all = expected.get(image).getAsJsonObject().getAsJsonArray("top"), out = new JsonArray();
        for (int i = 0; i < topk; i++) out.add(all.get(i));
        return out;
    }

    static void sameAsPredict(JsonArray expected, List<Map.Entry<String, Double>> got) {
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            JsonObject e = expected.get(i).getAsJsonObject();
            assertEquals(e.get("label").getAsString(), got.get(i).getKey(), "rank " + (i + 1));
            assertEquals(e.get("probability").getAsDouble(), got.get(i).getValue(), 1e-5, "rank " + (i + 1));
        }
    }

    static List<Map.Entry<String, Double>> entries(JsonObject o) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        o.entrySet().forEach(e -> out.add(Map.entry(e.getKey(), e.getValue().getAsDouble())));
        return out;
    }

    @Test
    void torchServePredictionsEqualGraftPredict() throws IOException {
        for (int i = 0; i < images.size(); i++) {
            byte[] bytes = Files.readAllBytes(images.get(i));
            Reply r = post("/predictions/tiny?topk=3", bytes, "application/octet-stream");
            assertEquals(200, r.status(), r.body());
            sameAsPredict(expectedTop(i, 3), entries(r.json()));
        }
        // the default is the top 5, here all 4 classes; a multipart form gives the same answer
        byte[] png = Files.readAllBytes(images.get(0));
        Reply raw = post("/predictions/tiny", png, "image/png");
        assertEquals(4, raw.json().size());
        String boundary = "graftBoundary7";
        byte[] form = multipart(boundary, "data", "img0.png", png);
        Reply multi = post("/predictions/tiny", form, "multipart/form-data; boundary=" + boundary);
        assertEquals(200, multi.status(), multi.body());
        assertEquals(raw.json(), multi.json());
    }

    static byte[] multipart(String boundary, String field, String file, byte[] content) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + file
                + "\"\r\nContent-Type: image/png\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] h = head.getBytes(StandardCharsets.UTF_8), t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + content.length + t.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(content, 0, out, h.length, content.length);
        System.arraycopy(t, 0, out, h.length + content.length, t.length);
        return out;
    }

    @Test
    void healthModelsAndMetadata() {
        assertEquals("Healthy", get("/ping").json().get("status").getAsString());
        JsonArray models = get("/models").json().getAsJsonArray("models");
        assertEquals(2, models.size());
        assertEquals("tiny", models.get(0).getAsJsonObject().get("modelName").getAsString());
        assertEquals("other", models.get(1).getAsJsonObject().get("modelName").getAsString());
        assertTrue(get("/v2/health/live").json().get("live").getAsBoolean());
        assertTrue(get("/v2/health/ready").json().get("ready").getAsBoolean());
        assertTrue(get("/v2/models/tiny/ready").json().get("ready").getAsBoolean());
        JsonObject meta = get("/v2/models/tiny").json();
        assertEquals("tiny", meta.get("name").getAsString());
        assertEquals("[-1,3,32,32]", meta.getAsJsonArray("inputs").get(1).getAsJsonObject().get("shape").toString());
        assertEquals("[-1,4]", meta.getAsJsonArray("outputs").get(0).getAsJsonObject().get("shape").toString());
        Reply page = get("/");
        assertEquals(200, page.status());
        assertTrue(page.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("type=\"file\"") && !page.body().contains("http://") && !page.body().contains("https://"),
                "the page must be self-contained");
    }

    @Test
    void kserveBytesAndFp32EqualGraftPredict() throws IOException {
        List<String> b64 = List.of(Base64.getEncoder().encodeToString(Files.readAllBytes(images.get(0))),
                Base64.getEncoder().encodeToString(Files.readAllBytes(images.get(1))));
        Reply bytes = postJson("/v2/models/tiny/infer", Map.of("id", "r1", "inputs", List.of(
                Map.of("name", "image", "datatype", "BYTES", "shape", List.of(2), "data", b64))));
        assertEquals(200, bytes.status(), bytes.body());
        JsonObject out = bytes.json();
        assertEquals("r1", out.get("id").getAsString());
        assertEquals("tiny", out.get("model_name").getAsString());
        checkV2(out, expected);

        // FP32: the preprocessed tensors of the same two images, [2, 3, 32, 32]
        ModelSlot slot = ModelSlot.open("check", run, false);
        float[] x = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < 2; i++) {
            System.arraycopy(slot.preprocess(Files.readAllBytes(images.get(i))), 0, x, i * 3 * 32 * 32, 3 * 32 * 32);
        }
        slot.close();
        Reply fp32 = postJson("/v2/models/tiny/infer", Map.of("inputs", List.of(
                Map.of("name", "input", "datatype", "FP32", "shape", List.of(2, 3, 32, 32), "data", x))));
        assertEquals(200, fp32.status(), fp32.body());
        checkV2(fp32.json(), expected);

        Reply onlyLabel = postJson("/v2/models/tiny/infer", Map.of("inputs", List.of(
                Map.of("name", "image", "datatype", "BYTES", "shape", List.of(1), "data", b64.subList(0, 1))),
                "outputs", List.of(Map.of("name", "label"))));
        assertEquals(1, onlyLabel.json().getAsJsonArray("outputs").size());
    }

    private static void checkV2(JsonObject out, JsonArray expected) {
        JsonArray outputs = out.getAsJsonArray("outputs");
        JsonObject probs = outputs.get(0).getAsJsonObject(), label = outputs.get(1).getAsJsonObject();
        assertEquals("probabilities", probs.get("name").getAsString());
        assertEquals("FP32", probs.get("datatype").getAsString());
        assertEquals("[2,4]", probs.get("shape").toString());
        JsonArray data = probs.getAsJsonArray("data");
        for (int i = 0; i < 2; i++) {
            JsonArray top = expected.get(i).getAsJsonObject().getAsJsonArray("top");
            assertEquals(top.get(0).getAsJsonObject().get("label").getAsString(), label.getAsJsonArray("data").get(i).getAsString());
            for (JsonElement t : top) {
                int c = t.getAsJsonObject().get("index").getAsInt();
                assertEquals(t.getAsJsonObject().get("probability").getAsDouble(), data.get(i * 4 + c).getAsDouble(), 1e-5);
            }
        }
    }

    @Test
    void badInputIsRefusedWithOneSentenceAndTheServerGoesOn() throws IOException {
        byte[] text = "this is not an image".getBytes(StandardCharsets.UTF_8);
        refused(post("/predictions/tiny", text, "text/plain"), 400);
        refused(post("/predictions/tiny", new byte[0], "image/png"), 400);
        byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(images.get(1)), 200);
        refused(post("/predictions/tiny", truncated, "image/jpeg"), 400);
        refused(post("/predictions/tiny?topk=zero", Files.readAllBytes(images.get(0)), "image/png"), 400);
        byte[] big = new byte[11 << 20];
        new Random(3).nextBytes(big);
        assertTrue(refused(post("/predictions/tiny", big, "image/png"), 413).contains("10 MB"));
        Reply chunked = send(HttpRequest.newBuilder(URI.create(base + "/predictions/tiny")) // no Content-Length
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
        refused(chunked, 413);
        refused(post("/predictions/nope", text, "image/png"), 404);
        refused(get("/v2/models/nope"), 404);
        refused(postJson("/v2/models/nope/infer", Map.of()), 404);
        assertTrue(refused(get("/no/such/page"), 404).contains("nothing at /no/such/page"));
        assertTrue(refused(get("/predictions/tiny"), 405).contains("GET is not allowed on /predictions/tiny; send the request with POST"));
        refused(send(HttpRequest.newBuilder(URI.create(base + "/ping")).DELETE()), 405);
        refused(post("/v2/models/tiny/infer", "{not json".getBytes(StandardCharsets.UTF_8), "application/json"), 400);
        refused(postJson("/v2/models/tiny/infer", Map.of("inputs", List.of())), 400);
        refused(postJson("/v2/models/tiny/infer", Map.of("inputs", List.of(
                Map.of("name", "input", "datatype", "FP32", "shape", List.of(1, 3, 8, 8), "data", new float[192])))), 400);
        refused(postJson("/v2/models/tiny/infer", Map.of("inputs", List.of(
                Map.of("name", "input", "datatype", "FP32", "shape", List.of(1, 3, 32, 32), "data", new float[5])))), 400);
        assertTrue(refused(postJson("/v2/models/tiny/infer", Map.of("inputs", List.of(
                Map.of("name", "image", "datatype", "BYTES", "shape", List.of(1), "data", List.of("%%%"))))), 400)
                .contains("not valid base64"));
        refused(postJson("/v2/models/tiny/infer", Map.of("inputs", List.of(
                Map.of("name", "image", "datatype", "INT8", "shape", List.of(1), "data", List.of(1))))), 400);
        assertEquals(200, post("/predictions/tiny", Files.readAllBytes(images.get(0)), "image/png").status());
    }

    @Test
    void fullQueueAnswers503WithRetryAfterAndSlowRequestsTimeOut() throws Exception {
        Batcher batcher = server.batcher("other");
        CountDownLatch gate = new CountDownLatch(1);
        batcher.gate = gate;
        byte[] png = Files.readAllBytes(images.get(0));
        try {
            // the first request is taken into a batch that waits at the gate; two more fill the queue of 2
            List<CompletableFuture<Reply>> held = new ArrayList<>();
            held.add(CompletableFuture.supplyAsync(() -> post("/predictions/other", png, "image/png")));
            waitFor(() -> batcher.atGate, 5_000);
            for (int i = 0; i < 2; i++) {
                held.add(CompletableFuture.supplyAsync(() -> post("/predictions/other", png, "image/png")));
            }
            waitFor(() -> batcher.queued() == 2, 5_000);
            Reply full = post("/predictions/other", png, "image/png");
            assertTrue(refused(full, 503).contains("queue is full"));
            assertEquals("1", full.raw().headers().firstValue("Retry-After").orElse(null));
            // the held requests give up after the 2 s timeout with 503 too
            for (CompletableFuture<Reply> f : held) {
                Reply r = f.get();
                assertTrue(refused(r, 503).contains("did not finish"), r.body());
                assertNotNull(r.raw().headers().firstValue("Retry-After").orElse(null));
            }
        } finally {
            gate.countDown();
            batcher.gate = null;
        }
        waitFor(() -> batcher.queued() == 0, 5_000);
        assertEquals(200, post("/predictions/other", png, "image/png").status());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < end) Thread.sleep(5);
    }

    @Test
    void oneAccessLogLinePerRequest() throws IOException {
        int before = log.size();
        get("/ping");
        post("/predictions/tiny", Files.readAllBytes(images.get(2)), "image/png");
        get("/models/extra/path");
        send(HttpRequest.newBuilder(URI.create(base + "/ping")).DELETE());
        long end = System.currentTimeMillis() + 2_000;
        while ((log.size() < before + 4 || server.inFlight() != 0) && System.currentTimeMillis() < end) Thread.onSpinWait();
        assertEquals(0, server.inFlight(), "404 and 405 are counted in and out of flight too");
        List<String> lines = new ArrayList<>(log.subList(before, log.size()));
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("GET /ping 200"), lines.get(0));
        assertTrue(lines.get(1).contains("POST /predictions/tiny 200"), lines.get(1));
        assertTrue(lines.get(2).contains("GET /models/extra/path 404"), lines.get(2));
        assertTrue(lines.get(3).contains("DELETE /ping 405"), lines.get(3));
    }
}
