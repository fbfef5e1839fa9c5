package dev.graft.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.graft.GraftException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.graft.io.IoFixtures.assertSameTensors;
import static dev.graft.io.IoFixtures.expected;
import static dev.graft.io.IoFixtures.file;
import static dev.graft.io.TorchFilesTest.assertOneSentenceNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path tmp;

    @Test
    void readsAFileWrittenPerSpec() throws IOException {
        assertSameTensors(expected("safetensors"), Safetensors.read(file("hand.safetensors")));
        assertEquals(IoFixtures.expectedMetadata(), Safetensors.readMetadata(file("hand.safetensors")));
    }

    @Test
    void writesWhatItReadsBack() {
        var tensors = TorchFiles.read(file("state.pth"));
        Path out = tmp.resolve("state.safetensors");
        Safetensors.write(out, tensors, Map.of("format", "pt"));
        var back = Safetensors.read(out);
        assertEquals(tensors.keySet(), back.keySet());
        tensors.forEach((k, t) -> assertEquals(t, back.get(k), k));
        assertEquals(Map.of("format", "pt"), Safetensors.readMetadata(out));
    }

    @Test
    void headerIsLaidOutLikeTheReferenceImplementation() throws IOException {
        Path out = tmp.resolve("x.safetensors");
        Safetensors.write(out, Safetensors.read(file("hand.safetensors")), null);
        byte[] all = Files.readAllBytes(out);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        JsonObject json = JsonParser.parseString(header).getAsJsonObject();
        // largest dtype first, then by name; offsets contiguous from 0 to the end of the file
        assertEquals(List.of("b.count", "b.double", "a.weight", "c.i32", "a.bf16", "a.half", "c.u8", "c.mask"),
                List.copyOf(json.keySet()));
        long end = 0;
        for (String k : json.keySet()) {
            var off = json.getAsJsonObject(k).getAsJsonArray("data_offsets");
            assertEquals(end, off.get(0).getAsLong(), k);
            end = off.get(1).getAsLong();
        }
        assertEquals(all.length - 8 - n, end);
        assertTrue(header.startsWith("{\"b.count\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}"), header);
    }

    @Test
    void absurdHeaderLengthIsRejectedBeforeAllocating() throws IOException {
        byte[] b = new byte[16];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 60).put("{}      ".getBytes());
        Path bad = Files.write(tmp.resolve("huge.safetensors"), b);
        GraftException e = assertThrows(GraftException.class, () -> Safetensors.read(bad));
        assertOneSentenceNaming(e, bad);
        assertTrue(e.getMessage().contains("1152921504606846976"), e.getMessage());
    }

    @Test
    void truncatedAndCorruptFilesGiveOneSentence() throws IOException {
        byte[] all = Files.readAllBytes(file("hand.safetensors"));
        for (int cut : new int[] {4, 50, all.length - 1}) {
            Path bad = Files.write(tmp.resolve("cut" + cut + ".safetensors"), Arrays.copyOf(all, cut));
            assertOneSentenceNaming(assertThrows(GraftException.class, () -> Safetensors.read(bad)), bad);
        }
        byte[] notJson = all.clone();
        notJson[8] = 'x';
        Path bad = Files.write(tmp.resolve("notjson.safetensors"), notJson);
        assertOneSentenceNaming(assertThrows(GraftException.class, () -> Safetensors.read(bad)), bad);
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,4398046511104]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer lying = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        lying.putLong(h.length).put(h);
        Path lie = Files.write(tmp.resolve("lie.safetensors"), lying.array());
        assertOneSentenceNaming(assertThrows(GraftException.class, () -> Safetensors.read(lie)), lie);
    }
}
