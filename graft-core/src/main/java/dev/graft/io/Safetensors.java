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
    /** Largest window mapped at once: a mapped buffer is indexed by int. */
    private static final long CHUNK = Integer.MAX_VALUE - 8;
    private static final String METADATA = "__metadata__";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** Rust's Dtype declaration order, which sorts the written tensors (descending). */
    private static final List<DType> RANK = List.of(DType.BOOL, DType.UINT8, DType.INT8, DType.INT16,
            DType.FLOAT16, DType.BFLOAT16, DType.INT32, DType.FLOAT32, DType.FLOAT64, DType.INT64);

    private Safetensors() {}

    /**
     * The tensors of a safetensors file in header order. Only the header is read here: each
     * tensor is a window of the file's data region, memory-mapped in chunks under 2 GB, whose
     * bytes are read when the tensor's data is first used.
     */
    public static LinkedHashMap<String, TensorData> read(Path file) {
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            JsonObject header = header(file, ch);
            long dataStart = 8 + headerLength(file, ch);
            long dataSize = ch.size() - dataStart;
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals(METADATA)) continue;
                entries.add(entry(file, e.getKey(), e.getValue(), dataSize));
            }
            List<Entry> byOffset = new ArrayList<>(entries);
            byOffset.sort(Comparator.comparingLong(Entry::begin));
            for (int i = 0; i < byOffset.size(); ) {
                // one mapping for consecutive tensors while it stays under 2 GB
                long first = byOffset.get(i).begin();
                int j = i;
                long last = first;
                while (j < byOffset.size() && byOffset.get(j).end() - first <= CHUNK) last = Math.max(last, byOffset.get(j++).end());
                if (j == i) throw error(file, "holds tensor '" + byOffset.get(i).name() + "' of more than 2 GB, too large for Graft");
                Storage chunk = Storage.lazy(last - first, mapper(ch, dataStart + first, last - first));
                for (int k = i; k < j; k++) byOffset.get(k).chunk(chunk, first);
                i = j;
            }
            for (Entry e : entries) out.put(e.name(), e.tensor());
        } catch (IOException e) {
            throw new GraftException("Cannot read " + file + ": " + GraftException.reason(e) + ".", e);
        }
        return out;
    }

    /** Maps now (mapping reads nothing; the pages are read when touched) so the file may be closed. */
    private static java.util.function.Supplier<ByteBuffer> mapper(FileChannel ch, long at, long size)
            throws IOException {
        ByteBuffer mapped = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, at, size);
        return () -> mapped;
    }

    /** A tensor's header entry, checked against the data region but not read. */
    private static final class Entry {
        private final String name;
        private final DType dtype;
        private final long[] shape;
        private final long begin, end;
        private Storage chunk;
        private long chunkStart;

        Entry(String name, DType dtype, long[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }

        String name() { return name; }
        long begin() { return begin; }
        long end() { return end; }

        void chunk(Storage s, long start) {
            chunk = s;
            chunkStart = start;
        }

        TensorData tensor() {
            if (dtype.size() > 1 && (begin - chunkStart) % dtype.size() != 0) {
                // unaligned (legal but rare): view it as bytes would misplace it, so copy it out
                byte[] b = new byte[Math.toIntExact(end - begin)];
                chunk.bytes().get(Math.toIntExact(begin - chunkStart), b);
                return new TensorData(dtype, shape, b);
            }
            return TensorData.view(dtype, shape, chunk, (begin - chunkStart) / dtype.size(), null);
        }
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
            throw new GraftException("Cannot read " + file + ": " + GraftException.reason(e) + ".", e);
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
            offsets.add(offset + t.byteSize());
            info.add("data_offsets", offsets);
            header.add(e.getKey(), info);
            offset += t.byteSize();
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
            throw new GraftException("Cannot write " + file + ": " + GraftException.reason(e) + ".", e);
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
            String why = n >= 0 && n < 2 ? "is too small"
                    : n < 0 || n > ch.size() - 8 ? "exceeds the file size of " + ch.size() + " bytes"
                    : "is above the 100 MB limit of safetensors";
            throw new GraftException(file + " is not a valid safetensors file (header length "
                    + Long.toUnsignedString(n) + " " + why + ").");
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

    private static Entry entry(Path file, String name, JsonElement el, long dataSize) {
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
            return new Entry(name, dtype, shape, begin, end);
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
