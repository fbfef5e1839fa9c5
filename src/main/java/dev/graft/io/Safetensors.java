package dev.graft.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.graft.GraftException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length N, N bytes of
 * JSON ({@code name -> {dtype, shape, data_offsets}} plus an optional string-to-string
 * {@code __metadata__}), then the raw little-endian tensor bytes. Files are written as the
 * reference (Rust) implementation writes them: tensors ordered by dtype alignment (largest
 * first) then by name, compact JSON, header padded with spaces to a multiple of 8.
 */
public final class Safetensors {
    /** The reference implementation refuses headers above 100 MB; so do we, before allocating. */
    private static final long MAX_HEADER = 100_000_000L;
    private static final String METADATA = "__metadata__";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** Rust's Dtype declaration order, which sorts the written tensors (descending). */
    private static final List<DType> RANK = List.of(DType.BOOL, DType.UINT8, DType.INT8, DType.INT16,
            DType.FLOAT16, DType.BFLOAT16, DType.INT32, DType.FLOAT32, DType.FLOAT64, DType.INT64);

    private Safetensors() {}

    /** The tensors of a safetensors file in header order. */
    public static LinkedHashMap<String, TensorData> read(Path file) {
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            JsonObject header = header(file, ch);
            long dataStart = 8 + headerLength(file, ch);
            long dataSize = ch.size() - dataStart;
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals(METADATA)) continue;
                out.put(e.getKey(), tensor(file, ch, e.getKey(), e.getValue(), dataStart, dataSize));
            }
        } catch (IOException e) {
            throw new GraftException("Cannot read " + file + ": " + e.getMessage() + ".", e);
        }
        return out;
    }

    /** The {@code __metadata__} of a safetensors file, empty if it has none. */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            JsonElement meta = header(file, ch).get(METADATA);
            Map<String, String> out = new LinkedHashMap<>();
            if (meta == null) return out;
            if (!meta.isJsonObject()) throw error(file, "has a __metadata__ that is not an object");
            for (Map.Entry<String, JsonElement> e : meta.getAsJsonObject().entrySet()) {
                if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                    throw error(file, "has metadata '" + e.getKey() + "' that is not a string");
                }
                out.put(e.getKey(), e.getValue().getAsString());
            }
            return out;
        } catch (IOException e) {
            throw new GraftException("Cannot read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    /** Writes tensors and optional metadata (may be null or empty) atomically. */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, TensorData>> order = new ArrayList<>(tensors.entrySet());
        order.sort(Comparator.<Map.Entry<String, TensorData>>comparingInt(e -> -rank(e.getValue().dtype()))
                .thenComparing(Map.Entry::getKey));
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);
            header.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : order) {
            TensorData t = e.getValue();
            JsonObject info = new JsonObject();
            info.addProperty("dtype", t.dtype().safetensorsName());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) shape.add(d);
            info.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + t.data().length);
            info.add("data_offsets", offsets);
            header.add(e.getKey(), info);
            offset += t.data().length;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        for (int i = 8 + json.length; i < head.length; i++) head[i] = ' ';
        try {
            AtomicFiles.write(file, out -> {
                out.write(head);
                for (Map.Entry<String, TensorData> e : order) out.write(e.getValue().data());
            });
        } catch (IOException e) {
            throw new GraftException("Cannot write " + file + ": " + e.getMessage() + ".", e);
        }
    }

    private static int rank(DType d) {
        int r = RANK.indexOf(d);
        if (r < 0) throw new IllegalStateException("no safetensors rank for " + d);
        return r;
    }

    private static long headerLength(Path file, FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (ch.read(b, 0) != 8) throw error(file, "is too short to be a safetensors file");
        long n = b.getLong(0);
        if (n < 2 || n > MAX_HEADER || n > ch.size() - 8) {
            throw error(file, "claims a " + Long.toUnsignedString(n) + "-byte header but is " + ch.size()
                    + " bytes long, so it is truncated or not a safetensors file");
        }
        return n;
    }

    private static JsonObject header(Path file, FileChannel ch) throws IOException {
        int n = (int) headerLength(file, ch);
        ByteBuffer b = ByteBuffer.allocate(n);
        if (!readFully(ch, b, 8)) throw error(file, "is truncated inside its header");
        try {
            JsonElement json = JsonParser.parseString(new String(b.array(), StandardCharsets.UTF_8));
            if (!json.isJsonObject()) throw error(file, "has a header that is not a JSON object");
            return json.getAsJsonObject();
        } catch (JsonParseException e) {
            throw error(file, "has a header that is not valid JSON");
        }
    }

    private static TensorData tensor(Path file, FileChannel ch, String name, JsonElement el, long dataStart, long dataSize)
            throws IOException {
        try {
            JsonObject info = el.getAsJsonObject();
            DType dtype = DType.fromSafetensors(info.get("dtype").getAsString());
            JsonArray shapeJson = info.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
                if (shape[i] < 0) throw error(file, "gives tensor '" + name + "' a negative dimension");
                numel = Math.multiplyExact(numel, shape[i]);
            }
            JsonArray offsets = info.getAsJsonArray("data_offsets");
            long begin = offsets.get(0).getAsLong(), end = offsets.get(1).getAsLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw error(file, "places tensor '" + name + "' at bytes " + begin + ".." + end + " but holds only "
                        + dataSize + " data bytes, so it is truncated or corrupt");
            }
            if (end - begin != Math.multiplyExact(numel, dtype.size())) {
                throw error(file, "gives tensor '" + name + "' " + (end - begin) + " bytes where its shape and dtype need "
                        + numel * dtype.size());
            }
            ByteBuffer b = ByteBuffer.allocate((int) (end - begin));
            if (!readFully(ch, b, dataStart + begin)) throw error(file, "is truncated inside tensor '" + name + "'");
            return new TensorData(dtype, shape, b.array());
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException | ClassCastException
                 | UnsupportedOperationException
                 | IndexOutOfBoundsException | ArithmeticException e) {
            throw error(file, "has a malformed header entry for tensor '" + name + "' (" + e.getMessage() + ")");
        }
    }

    private static boolean readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) <= 0) return false;
        }
        return true;
    }

    private static GraftException error(Path file, String what) {
        return new GraftException("The file " + file + " " + what + ".");
    }
}
