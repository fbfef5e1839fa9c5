package dev.graft.testutil;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.io.DType;
import dev.graft.io.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;

/** Scratch reader until io lands. */
public final class MiniSafetensors {
    public static LinkedHashMap<String, TensorData> read(Path p) throws IOException {
        byte[] all = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        JsonObject h = JsonParser.parseString(new String(all, 8, (int) n, StandardCharsets.UTF_8)).getAsJsonObject();
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
        for (var e : h.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            JsonObject o = e.getValue().getAsJsonObject();
            var shapeArr = o.getAsJsonArray("shape");
            long[] shape = new long[shapeArr.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeArr.get(i).getAsLong();
            var off = o.getAsJsonArray("data_offsets");
            int a = (int) (8 + n + off.get(0).getAsLong()), b = (int) (8 + n + off.get(1).getAsLong());
            out.put(e.getKey(), new TensorData(DType.fromSafetensors(o.get("dtype").getAsString()), shape, Arrays.copyOfRange(all, a, b)));
        }
        return out;
    }
}
