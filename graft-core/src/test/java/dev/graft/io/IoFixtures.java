package dev.graft.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The fixtures written by src/test/python/make_io_fixtures.py and the values PyTorch gave for them. */
final class IoFixtures {
    static final Path DIR = Path.of("src/test/resources/fixtures/io");

    private IoFixtures() {}

    static Path file(String name) { return DIR.resolve(name); }

    /** One section of expected.json as tensors, built from PyTorch's own bytes. */
    static LinkedHashMap<String, TensorData> expected(String section) {
        try {
            JsonObject root = JsonParser.parseString(Files.readString(file("expected.json"))).getAsJsonObject();
            LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.getAsJsonObject(section).entrySet()) {
                JsonObject t = e.getValue().getAsJsonObject();
                DType dtype = null;
                for (DType d : DType.values()) if (d.torchName().equals(t.get("dtype").getAsString())) dtype = d;
                assertNotNull(dtype, t.get("dtype").getAsString());
                long[] shape = new long[t.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = t.getAsJsonArray("shape").get(i).getAsLong();
                out.put(e.getKey(), new TensorData(dtype, shape, HexFormat.of().parseHex(t.get("hex").getAsString())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> expectedMetadata() throws IOException {
        JsonObject root = JsonParser.parseString(Files.readString(file("expected.json"))).getAsJsonObject();
        Map<String, String> out = new LinkedHashMap<>();
        root.getAsJsonObject("safetensors_metadata").entrySet().forEach(e -> out.put(e.getKey(), e.getValue().getAsString()));
        return out;
    }

    /** Same keys in the same order, and bit-identical tensors. */
    static void assertSameTensors(Map<String, TensorData> expected, Map<String, TensorData> actual) {
        assertEquals(String.join(",", expected.keySet()), String.join(",", actual.keySet()));
        for (String k : expected.keySet()) {
            TensorData e = expected.get(k), a = actual.get(k);
            assertEquals(e.dtype(), a.dtype(), k);
            assertArrayEquals(e.shape(), a.shape(), k);
            assertArrayEquals(e.data(), a.data(), k);
        }
    }
}
