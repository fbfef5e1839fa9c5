package dev.graft.io;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyMismatchTest {
    @Test
    void manyDifferencesAreCountedWithThreeExamples() {
        Map<String, long[]> expected = new LinkedHashMap<>();
        Map<String, TensorData> found = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) expected.put("features." + i + ".weight", new long[] {4});
        for (int i = 0; i < 150; i++) found.put("layer" + i + ".conv.weight", TensorData.ofFloats(new long[] {4}, new float[4]));
        found.put("features.0.weight", TensorData.ofFloats(new long[] {2}, new float[2]));
        expected.put("bn.num_batches_tracked", new long[0]);
        KeyMismatch m = KeyMismatch.compare(expected, found);
        assertFalse(m.fits(true));
        assertFalse(m.fits(false));
        assertEquals(199, m.missing().size());
        assertEquals(150, m.unexpected().size());
        String s = m.summary(true);
        assertEquals("missing 199 keys, e.g. features.1.weight, features.2.weight, features.3.weight; unexpected 150 keys,"
                + " e.g. layer0.conv.weight, layer1.conv.weight, layer2.conv.weight; 1 shape mismatch:"
                + " features.0.weight [2] where [4] is expected", s);
        assertTrue(s.length() < 300, s);
    }

    @Test
    void nonStrictIgnoresMissingAndUnexpected() {
        KeyMismatch m = KeyMismatch.compare(Map.of("a", new long[] {1}), Map.of("b", TensorData.ofLong(1)));
        assertTrue(m.fits(false));
        assertFalse(m.fits(true));
        assertEquals("", m.summary(false));
    }
}
