package dev.graft.models;

import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.io.WeightFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A weight file of another architecture is refused from its keys, in one short sentence. */
class WrongWeightsTest {
    @TempDir
    Path tmp;

    /**
     * A 10 GB safetensors file with vgg16's keys, its data region a sparse hole: loading it as
     * resnet18 is refused from the header, without building the model or reading the data.
     */
    @Test
    void tenGigabyteFileOfAnotherModelIsRefusedFromItsHeader() throws Exception {
        List<String> vgg = WeightsCheck.keysOf().get("vgg16");
        Path big = tmp.resolve("vgg-like.safetensors");
        long numel = 10_000_000_000L / 4 / vgg.size();
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (String k : vgg) {
            if (offset > 0) json.append(',');
            json.append('"').append(k).append("\":{\"dtype\":\"F32\",\"shape\":[").append(numel)
                    .append("],\"data_offsets\":[").append(offset).append(',').append(offset + numel * 4).append("]}");
            offset += numel * 4;
        }
        byte[] head = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            f.write(head);
            f.setLength(8 + head.length + offset);
        }
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId(), before = mx.getThreadAllocatedBytes(tid);
        long start = System.nanoTime();
        GraftException e = assertThrows(GraftException.class, () -> Pretrained.readState(Zoo.get("resnet18"), big));
        long used = mx.getThreadAllocatedBytes(tid) - before, ms = (System.nanoTime() - start) / 1_000_000;
        String m = e.getMessage();
        long resnetKeys = WeightsCheck.keysOf().get("resnet18").stream().filter(k -> !k.endsWith("num_batches_tracked")).count();
        assertTrue(m.startsWith("The weights in " + big + " do not fit resnet18 (missing " + resnetKeys + " keys, e.g. conv1.weight, "
                + "bn1.weight, bn1.bias; unexpected " + vgg.size() + " keys, e.g. features.0.weight, features.0.bias, features.2.weight)"), m);
        assertTrue(m.endsWith("they look like vgg16 weights, so use --arch vgg16."), m);
        assertTrue(m.length() < 400, m);
        // reading the data would allocate gigabytes (or map and touch 10 GB of pages)
        assertTrue(used < 200_000_000, "refusing a 10 GB file allocated " + used + " bytes");
        assertTrue(ms < 20_000, "refusing a 10 GB file took " + ms + " ms");
    }

    @Test
    void keysOfNoKnownArchitectureAreSaidSo() {
        Map<String, TensorData> odd = new LinkedHashMap<>();
        odd.put("encoder.weight", TensorData.ofFloats(new long[] {1}, new float[1]));
        GraftException e = assertThrows(GraftException.class, () -> WeightsCheck.checkKeys("resnet18", odd, "x.pth"));
        assertTrue(e.getMessage().endsWith("they look like no architecture Graft knows."), e.getMessage());
    }

    @Test
    void ownKeysPass() {
        Map<String, TensorData> sd = new LinkedHashMap<>();
        for (String k : WeightsCheck.keysOf().get("mobilenet_v3_small")) {
            if (!k.endsWith("num_batches_tracked")) sd.put(k, TensorData.ofLong(0));
        }
        WeightsCheck.checkKeys("mobilenet_v3_small", sd, "ok.pth");
        assertEquals("mobilenet_v3_small", WeightsCheck.lookalike(sd.keySet()));
    }
}
