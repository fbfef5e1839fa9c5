package dev.graft.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.GraftException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.graft.io.IoFixtures.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weight files are read lazily: shapes first, data on use, a shared storage once. */
class LazyWeightsTest {
    @TempDir
    Path tmp;

    /** Bytes this thread allocated on the Java heap so far (HotSpot's counter). */
    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void manyViewsOfOneStorageCostTheStorageOnce() throws Exception {
        JsonObject expected = JsonParser.parseString(Files.readString(file("views.json"))).getAsJsonObject();
        WeightFiles.read(file("views.pth")); // warm up class loading outside the measurement
        long before = allocated();
        Map<String, TensorData> sd = WeightFiles.read(file("views.pth"));
        double[] sums = new double[sd.size()];
        int i = 0;
        for (TensorData t : sd.values()) {
            if (i % 3 != 2) { // contiguous views are read in place
                java.nio.FloatBuffer f = t.buffer().asFloatBuffer();
                for (int j = 0; j < f.limit(); j++) sums[i] += f.get(j);
            }
            i++;
        }
        long used = allocated() - before;
        // copying the 80 contiguous views would allocate 80 x 200 KB = 16 MB; the storage is 256 KB
        assertTrue(used < 4_000_000, "reading 120 views of one 256 KB storage allocated " + used + " bytes");
        i = 0;
        TensorData first = sd.values().iterator().next();
        for (Map.Entry<String, TensorData> e : sd.entrySet()) {
            JsonObject want = expected.getAsJsonObject(e.getKey());
            TensorData t = e.getValue();
            assertTrue(t.sharesStorageWith(first), e.getKey());
            long[] shape = {want.getAsJsonArray("shape").get(0).getAsLong(), want.getAsJsonArray("shape").get(1).getAsLong()};
            assertArrayEquals(shape, t.shape(), e.getKey());
            float[] v = t.toFloats(); // transposed views are gathered into row-major order
            double sum = 0;
            for (float x : v) sum += x;
            assertEquals(want.get("sum").getAsDouble(), sum, 1e-6 * Math.abs(sum), e.getKey());
            if (i % 3 != 2) assertEquals(want.get("sum").getAsDouble(), sums[i], 1e-6 * Math.abs(sum), e.getKey());
            for (int j = 0; j < 5; j++) assertEquals(want.getAsJsonArray("first").get(j).getAsFloat(), v[j], e.getKey());
            i++;
        }
    }

    /**
     * A sparse 10 GB safetensors file (a header, then a hole: nothing written, so reading the
     * data would take seconds and gigabytes): its keys and shapes come from the header alone.
     */
    @Test
    void tenGigabyteFileIsOpenedFromItsHeader() throws Exception {
        Path big = sparseSafetensors(tmp.resolve("big.safetensors"), "features.%d.weight", 32, 80_000_000L);
        long before = allocated(), start = System.nanoTime();
        Map<String, TensorData> sd = WeightFiles.read(big);
        long used = allocated() - before, ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(32, sd.size());
        assertArrayEquals(new long[] {80_000_000L}, sd.get("features.31.weight").shape());
        assertTrue(used < 20_000_000, "opening a 10 GB file allocated " + used + " bytes");
        assertTrue(ms < 20_000, "opening a 10 GB file took " + ms + " ms");
    }

    @Test
    void absurdHeaderLengthIsNamed() throws Exception {
        byte[] b = new byte[64];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 50);
        b[8] = '{';
        Path p = Files.write(tmp.resolve("x.safetensors"), b);
        GraftException e = assertThrows(GraftException.class, () -> WeightFiles.read(p));
        assertEquals(p + " is not a valid safetensors file (header length " + (1L << 50)
                + " exceeds the file size of 64 bytes).", e.getMessage());
    }

    /** Writes a header of {@code n} float32 tensors of {@code numel} elements and extends the file sparsely. */
    static Path sparseSafetensors(Path p, String keyPattern, int n, long numel) throws Exception {
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) json.append(',');
            json.append('"').append(String.format(keyPattern, i)).append("\":{\"dtype\":\"F32\",\"shape\":[")
                    .append(numel).append("],\"data_offsets\":[").append(offset).append(',').append(offset + numel * 4)
                    .append("]}");
            offset += numel * 4;
        }
        byte[] head = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            byte[] len = new byte[8];
            ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length);
            f.write(len);
            f.write(head);
            f.setLength(8 + head.length + offset); // a hole: no data is written
        }
        return p;
    }
}
