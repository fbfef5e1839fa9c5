package dev.graft.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The HTTP side of {@code graft serve}, on Javalin (Jetty 12): the page at {@code /},
 * TorchServe's {@code /predictions/{name}}, {@code /ping} and {@code /models}, and the Open
 * Inference Protocol (KServe v2) under {@code /v2}. Every answer is JSON (never NaN) except
 * the page; every refusal is {@code {"error": "one sentence"}} with its status (400, 404, 405,
 * 413, 503); one access-log line per request goes to {@code log}. {@link #close} stops taking
 * new requests, finishes those in flight, then stops.
 */
public final class GraftServer implements AutoCloseable {
    /** What {@code graft serve} is told on its command line. */
    public record Options(String host, int port, int maxBatch, int maxWaitMs, int maxQueue, int maxUploadMb,
                          int timeoutMs) {
        public static Options defaults() {
            return new Options("127.0.0.1", 8080, 8, 5, 64, 10, 30_000);
        }

        public Options withPort(int p) {
            return new Options(host, p, maxBatch, maxWaitMs, maxQueue, maxUploadMb, timeoutMs);
        }

        public Options withBatching(int batch, int waitMs) {
            return new Options(host, port, batch, waitMs, maxQueue, maxUploadMb, timeoutMs);
        }

        public Options withQueue(int queue, int timeout) {
            return new Options(host, port, maxBatch, maxWaitMs, queue, maxUploadMb, timeout);
        }
    }

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Options options;
    private final Consumer<String> log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;
    private Javalin app;

    /** Serves {@code slots} (by name, the first is the page's default); they are closed with the server. */
    public GraftServer(List<ModelSlot> slots, Options options, Consumer<String> accessLog) {
        this.options = options;
        this.log = accessLog;
        for (ModelSlot s : slots) {
            models.put(s.name(), new ServedModel(s, new Batcher(s, options.maxBatch(), options.maxWaitMs(),
                    options.maxQueue()), options.timeoutMs()));
        }
    }

    /** Starts listening; returns the port (a free one when {@code options.port()} is 0). */
    public int start() {
        long limit = (long) options.maxUploadMb() << 20;
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = limit + (64 << 10); // room for a form's headers around the file
            config.jetty.multipartConfig.maxFileSize(limit, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(limit + (64 << 10), SizeUnit.BYTES);
            // a request counts as in flight from its first handler until its answer is written and logged
            config.routes.before(ctx -> inFlight.incrementAndGet());
            config.requestLogger.http((ctx, ms) -> {
                log.accept(String.format(Locale.ROOT, "%s %s %s %s %d %.1fms",
                        Instant.now(), ctx.ip(), ctx.method(), ctx.path(), ctx.statusCode(), ms));
                inFlight.decrementAndGet();
            });
            config.jetty.modifyServer(server -> server.setStopTimeout(5_000)); // connections close gracefully
            config.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(Page.html()));
            config.routes.get("/ping", ctx -> json(ctx, 200, Map.of("status", closing ? "Unhealthy" : "Healthy")));
            config.routes.get("/models", ctx -> json(ctx, 200, Map.of("models", modelList())));
            config.routes.post("/predictions/{name}", this::predict);
            config.routes.get("/v2", ctx -> json(ctx, 200, Map.of("name", "graft", "version", "0.1.0",
                    "extensions", List.of())));
            config.routes.get("/v2/health/live", ctx -> json(ctx, 200, Map.of("live", true)));
            config.routes.get("/v2/health/ready", ctx -> json(ctx, closing ? 503 : 200, Map.of("ready", !closing)));
            config.routes.get("/v2/models/{name}", ctx -> json(ctx, 200, KServe.metadata(model(ctx).slot)));
            config.routes.get("/v2/models/{name}/ready", ctx -> json(ctx, 200,
                    Map.of("name", model(ctx).slot.name(), "ready", !closing)));
            config.routes.post("/v2/models/{name}/infer", this::infer);
            config.routes.exception(ApiError.class, (e, ctx) -> {
                if (e.status == 503) ctx.header("Retry-After", "1");
                error(ctx, e.status, e.getMessage());
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), switch (e.getStatus()) {
                case 404 -> notFound(ctx);
                case 405 -> notAllowed(ctx);
                case 413 -> tooLarge();
                default -> "The request was refused (" + ServedModel.reason(e) + ").";
            }));
            config.routes.exception(Exception.class, (e, ctx) -> error(ctx, 500,
                    "The server failed on this request (" + ServedModel.reason(e) + ")."));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) error(ctx, 404, notFound(ctx));
            });
            config.routes.error(405, ctx -> {
                if (ctx.result() == null) error(ctx, 405, notAllowed(ctx));
            });
        });
        app.start(options.host(), options.port());
        return app.port();
    }

    private List<Map<String, Object>> modelList() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ServedModel m : models.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("modelName", m.slot.name());
            e.put("modelUrl", m.slot.dir().toString());
            e.put("arch", m.slot.arch());
            e.put("classes", m.slot.classes().size());
            e.put("inputSize", m.slot.size());
            e.put("forwardPasses", m.batcher.batches());
            e.put("imagesPredicted", m.batcher.images());
            list.add(e);
        }
        return list;
    }

    private ServedModel model(Context ctx) {
        String name = ctx.pathParam("name");
        ServedModel m = models.get(name);
        if (m == null) throw new ApiError(404, "There is no model named '" + name + "'; this server has " + String.join(", ", models.keySet()) + ".");
        if (closing) throw new ApiError(503, "The server is shutting down.");
        return m;
    }

    private void predict(Context ctx) {
        ServedModel m = model(ctx);
        int k = topk(ctx.queryParam("topk"));
        double[] p = m.image(upload(ctx));
        json(ctx, 200, m.topMap(p, k));
    }

    private void infer(Context ctx) {
        ServedModel m = model(ctx);
        JsonElement request;
        try {
            request = JsonParser.parseString(new String(body(ctx), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            request = null;
        }
        if (request == null || !request.isJsonObject()) {
            throw new ApiError(400, "The body is not a JSON inference request: send an object with \"inputs\".");
        }
        json(ctx, 200, KServe.infer(m, request.getAsJsonObject()));
    }

    private static int topk(String q) {
        if (q == null) return 5;
        try {
            int k = Integer.parseInt(q.strip());
            if (k > 0) return k;
        } catch (NumberFormatException ignored) {
            // falls through to the error
        }
        throw new ApiError(400, "topk must be a positive whole number, not '" + q + "'.");
    }

    /** The image: the first file field of a multipart form, or else the raw body. */
    private byte[] upload(Context ctx) {
        checkLength(ctx);
        if (ctx.isMultipartFormData()) {
            List<UploadedFile> files = ctx.uploadedFiles();
            if (files.isEmpty()) throw new ApiError(400, "The form has no file field; send the image as a file.");
            try (InputStream in = files.get(0).content()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return body(ctx);
    }

    private byte[] body(Context ctx) {
        checkLength(ctx);
        return ctx.bodyAsBytes();
    }

    private void checkLength(Context ctx) {
        long limit = (long) options.maxUploadMb() << 20;
        long allowed = limit + (ctx.isMultipartFormData() ? 64 << 10 : 0);
        long length = ctx.req().getContentLengthLong();
        if (length > allowed) {
            // read (and drop) a bounded part of the body: a client still sending it then reads the 413
            // instead of a reset connection
            discard(ctx, Math.min(length, 4 * allowed));
            throw new ApiError(413, tooLarge());
        }
    }

    private static void discard(Context ctx, long bytes) {
        byte[] buffer = new byte[64 << 10];
        try (var in = ctx.req().getInputStream()) {
            for (long left = bytes; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) break;
                left -= n;
            }
        } catch (java.io.IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static String notFound(Context ctx) {
        return "There is nothing at " + ctx.path() + "; GET / is the page and GET /models lists the models.";
    }

    private static String notAllowed(Context ctx) {
        return ctx.method() + " is not allowed on " + ctx.path() + (ctx.path().startsWith("/predictions/")
                || ctx.path().endsWith("/infer") ? "; send the request with POST." : ".");
    }

    private String tooLarge() {
        return "The upload is larger than the server's limit of " + options.maxUploadMb() + " MB.";
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(GSON.toJson(body));
    }

    private static void error(Context ctx, int status, String message) {
        json(ctx, status, Map.of("error", message));
    }

    /** Requests being handled now (0 when idle: every request is counted in and out once). */
    int inFlight() {
        return inFlight.get();
    }

    Batcher batcher(String name) {
        return models.get(name).batcher;
    }

    /** Refuses new predictions, waits for those in flight (at most 30 s), stops, closes the models. */
    @Override
    public void close() {
        closing = true;
        long end = System.nanoTime() + 30_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (app != null) app.stop();
        for (ServedModel m : models.values()) {
            m.batcher.close();
            m.slot.close();
        }
    }
}
