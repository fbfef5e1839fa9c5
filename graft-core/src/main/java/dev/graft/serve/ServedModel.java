package dev.graft.serve;

import dev.graft.eval.Logits;
import dev.graft.eval.Predictor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server's side of one prediction, independent of HTTP: decode and preprocess on the
 * caller's thread, queue for the model's {@link Batcher}, wait at most the request timeout,
 * and turn logits into probabilities. Every refusal is an {@link ApiError} with its status.
 */
final class ServedModel {
    final ModelSlot slot;
    final Batcher batcher;
    private final long timeoutMs;

    ServedModel(ModelSlot slot, Batcher batcher, long timeoutMs) {
        this.slot = slot;
        this.batcher = batcher;
        this.timeoutMs = timeoutMs;
    }

    /** The softmax probabilities of one encoded image (PNG, JPEG, ...). */
    double[] image(byte[] encoded) {
        return images(List.of(encoded))[0];
    }

    /** The softmax probabilities of each encoded image, in one request to the batcher. */
    double[][] images(List<byte[]> encoded) {
        batcher.arriving.incrementAndGet(); // the batcher may wait for this one
        float[] input;
        try {
            input = preprocess(encoded);
        } catch (RuntimeException e) {
            batcher.arriving.decrementAndGet();
            throw e;
        }
        return run(input, encoded.size(), true);
    }

    private float[] preprocess(List<byte[]> encoded) {
        int per = 3 * slot.size() * slot.size();
        float[] input = new float[encoded.size() * per];
        for (int i = 0; i < encoded.size(); i++) {
            byte[] bytes = encoded.get(i);
            if (bytes == null || bytes.length == 0) {
                throw new ApiError(400, "The request has no image: send the image file as the body or as a form field.");
            }
            try {
                System.arraycopy(slot.preprocess(bytes), 0, input, i * per, per);
            } catch (IOException | RuntimeException e) {
                throw new ApiError(400, "The upload is not a readable image (" + reason(e) + ").");
            }
        }
        return input;
    }

    /** Probabilities of each of {@code n} images already preprocessed into {@code [n, 3, size, size]}. */
    double[][] run(float[] input, int n) {
        return run(input, n, false);
    }

    private double[][] run(float[] input, int n, boolean arrived) {
        Batcher.Job job = batcher.submit(input, n);
        if (arrived) batcher.arriving.decrementAndGet(); // queued (or refused): no longer on its way
        if (job == null) throw new ApiError(503, "The server is busy: its queue is full, try again shortly.");
        float[][] logits;
        try {
            logits = job.result.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            job.result.cancel(false);
            throw new ApiError(503, "The prediction did not finish within " + timeoutMs + " ms; try again shortly.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "The server is shutting down.");
        } catch (ExecutionException e) {
            throw new ApiError(500, "The model failed on this input (" + reason(e.getCause()) + ").");
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Logits.softmax(logits[i]);
            for (double p : out[i]) {
                if (!Double.isFinite(p)) throw new ApiError(500, "The model produced non-finite outputs for this input.");
            }
        }
        return out;
    }

    /** {"label": probability, ...}, the k best in order (TorchServe's answer). */
    Map<String, Double> topMap(double[] probabilities, int k) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Predictor.Scored s : slot.top(probabilities, k)) m.put(s.label(), s.probability());
        return m;
    }

    List<String> topLabels(double[][] probabilities) {
        List<String> out = new ArrayList<>();
        for (double[] p : probabilities) out.add(slot.top(p, 1).get(0).label());
        return out;
    }

    static String reason(Throwable e) {
        String m = e == null ? null : e.getMessage();
        return m == null || m.isBlank() ? "unknown error" : m.strip().replaceAll("[.\\s]+$", "");
    }
}
