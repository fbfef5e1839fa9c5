package dev.graft.io;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.graft.io.IoFixtures.assertSameTensors;
import static dev.graft.io.IoFixtures.expected;
import static dev.graft.io.IoFixtures.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchFilesTest {
    @TempDir
    Path tmp;

    @Test
    void readsZipFormatBitExactly() {
        assertSameTensors(expected("state"), TorchFiles.read(file("state.pth")));
    }

    @Test
    void readsLegacyFormatBitExactly() {
        assertSameTensors(expected("state"), TorchFiles.read(file("state_legacy.pth")));
    }

    @Test
    void readsLegacyStorageViews() {
        assertSameTensors(expected("view_legacy"), TorchFiles.read(file("view_legacy.pth")));
    }

    @Test
    void readsProtocol4Pickles() {
        assertSameTensors(expected("state"), TorchFiles.read(file("state_protocol4.pth")));
    }

    @Test
    void viewsAndStridedTensorsComeOutContiguous() {
        LinkedHashMap<String, TensorData> sd = TorchFiles.read(file("state.pth"));
        float[] base = sd.get("shared.base").toFloats();
        float[] view = sd.get("shared.view").toFloats();
        assertEquals(6, view.length);
        for (int i = 0; i < 6; i++) assertEquals(base[3 + i], view[i]);
        assertEquals("[4, 3]", sd.get("transposed").shapeString());
        assertEquals("[2, 3]", sd.get("strided").shapeString());
        assertEquals("[4, 2, 3]", sd.get("permuted").shapeString());
        float[] expanded = sd.get("expanded").toFloats();
        for (int r = 0; r < 3; r++) for (int c = 1; c < 4; c++) assertEquals(expanded[r * 4], expanded[r * 4 + c]);
        assertEquals(1L, sd.get("1.num_batches_tracked").buffer().getLong(0));
        assertEquals(0, sd.get("1.num_batches_tracked").shape().length);
    }

    @Test
    void takesTheStateDictOutOfACheckpoint() {
        assertSameTensors(expected("checkpoint_state_dict"), TorchFiles.read(file("checkpoint.pth")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void readsGeneralObjects() {
        Map<Object, Object> ck = (Map<Object, Object>) TorchFiles.readObject(file("checkpoint.pth"));
        assertEquals(3L, ck.get("epoch"));
        assertEquals(0.875, ck.get("best_acc"));
        assertEquals("resnet18", ck.get("arch"));
        assertTrue(ck.containsKey("note"));
        assertNull(ck.get("note"));
        assertEquals(1L << 40, ck.get("big"));
        assertEquals(-7L, ck.get("negative"));
        Map<Object, Object> opt = (Map<Object, Object>) ck.get("optimizer");
        Map<Object, Object> group = (Map<Object, Object>) ((List<Object>) opt.get("param_groups")).get(0);
        assertEquals(0.1, group.get("lr"));
        assertEquals(List.of(0.9, 0.999), group.get("betas"));
        assertEquals(List.of(0L), group.get("params"));
        assertEquals(Boolean.FALSE, group.get("nesterov"));
        Map<Object, Object> state = (Map<Object, Object>) ((Map<Object, Object>) opt.get("state")).get(0L);
        assertEquals("[0.25, 0.5]", Arrays.toString(((TensorData) state.get("momentum_buffer")).toFloats()));
    }

    @Test
    void unknownGlobalsAreNamedNotRun() {
        GraftException e = assertThrows(GraftException.class, () -> TorchFiles.readObject(file("unsupported.pth")));
        assertTrue(e.getMessage().contains("collections.Counter"), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported.pth"), e.getMessage());
        e = assertThrows(GraftException.class, () -> TorchFiles.read(file("unsupported.pth")));
        assertTrue(e.getMessage().contains("collections.Counter") && e.getMessage().contains("'counts'"), e.getMessage());
    }

    @Test
    void absurdStorageSizesAreRejectedBeforeAllocating() {
        for (String name : List.of("absurd.pth", "absurd_legacy.pth")) {
            GraftException e = assertThrows(GraftException.class, () -> TorchFiles.read(file(name)));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("1099511627776"), e.getMessage());
        }
    }

    @Test
    void truncatedFilesGiveOneSentence() throws IOException {
        for (String name : List.of("state.pth", "state_legacy.pth")) {
            byte[] all = Files.readAllBytes(file(name));
            for (int cut : new int[] {all.length / 2, all.length - 3, 40}) {
                Path bad = tmp.resolve("cut-" + cut + "-" + name);
                Files.write(bad, Arrays.copyOf(all, cut));
                GraftException e = assertThrows(GraftException.class, () -> TorchFiles.read(bad));
                assertOneSentenceNaming(e, bad);
            }
        }
    }

    @Test
    void otherFilesAreRecognised() throws IOException {
        Path empty = Files.write(tmp.resolve("empty.pth"), new byte[0]);
        assertOneSentenceNaming(assertThrows(GraftException.class, () -> TorchFiles.read(empty)), empty);
        Path text = Files.writeString(tmp.resolve("notes.pth"), "hello, these are not weights");
        assertOneSentenceNaming(assertThrows(GraftException.class, () -> TorchFiles.read(text)), text);
        byte[] tarHeader = new byte[1024];
        System.arraycopy("ustar".getBytes(), 0, tarHeader, 257, 5);
        Path tar = Files.write(tmp.resolve("old.pth"), tarHeader);
        GraftException e = assertThrows(GraftException.class, () -> TorchFiles.read(tar));
        assertTrue(e.getMessage().contains("tar"), e.getMessage());
        GraftException missing = assertThrows(GraftException.class, () -> TorchFiles.read(tmp.resolve("nope.pth")));
        assertTrue(missing.getMessage().contains("nope.pth"), missing.getMessage());
    }

    @Test
    void writeThenReadIsIdentical() {
        LinkedHashMap<String, TensorData> sd = TorchFiles.read(file("state.pth"));
        Path out = tmp.resolve("copy.pth");
        TorchFiles.write(out, sd);
        assertSameTensors(sd, TorchFiles.read(out));
        assertFalse(leftovers(), "no temporary files left behind");
    }

    @Test
    @SuppressWarnings("unchecked")
    void writeObjectThenReadObject() {
        Map<String, Object> ck = new LinkedHashMap<>();
        ck.put("epoch", 12L);
        ck.put("lr", 0.01);
        ck.put("name", "résnet");
        ck.put("frozen", true);
        ck.put("none", null);
        ck.put("ints", List.of(1L, 300L, 70000L, -3L, 1L << 35));
        ck.put("state_dict", Map.of("w", TensorData.ofFloats(new long[] {2}, new float[] {1f, -2f})));
        Path out = tmp.resolve("ck.pth");
        TorchFiles.writeObject(out, ck);
        Map<Object, Object> back = (Map<Object, Object>) TorchFiles.readObject(out);
        assertEquals(Map.of("w", ck.get("state_dict") instanceof Map<?, ?> m ? m.get("w") : null), back.get("state_dict"));
        back.remove("state_dict");
        ck.remove("state_dict");
        assertEquals(ck, back);
    }

    private boolean leftovers() {
        try (var s = Files.list(tmp)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static void assertOneSentenceNaming(GraftException e, Path file) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), m);
        assertTrue(m.endsWith("."), m);
        assertFalse(m.substring(0, m.length() - 1).contains(". "), "one sentence: " + m);
        assertFalse(m.contains("\n"), m);
    }
}
