package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonOutputTest {
    record Scored(String label, double probability) {}

    @Test
    void nonFiniteNumbersBecomeNullAndEveryKeyStays() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("val_accuracy", Double.NaN);
        m.put("loss", Double.POSITIVE_INFINITY);
        m.put("acc", 0.5);
        m.put("source", null);
        m.put("top", List.of(new Scored("cat", Double.NaN), new Scored("dog", 0.25)));
        m.put("lrs", new double[] {0.1, Double.NEGATIVE_INFINITY});
        m.put("f", new float[] {Float.NaN, 1.5f});
        assertEquals("{\"val_accuracy\":null,\"loss\":null,\"acc\":0.5,\"source\":null,\"top\":[{\"label\":\"cat\","
                + "\"probability\":null},{\"label\":\"dog\",\"probability\":0.25}],\"lrs\":[0.1,null],\"f\":[null,1.5]}",
                JsonOutput.gson(false).toJson(m));
    }
}
