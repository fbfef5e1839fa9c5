package dev.graft.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Layer groups of the networks whose {@code features} is a flat Sequential (MobileNets,
 * EfficientNet), shared by those families' zoo entries: {@code bounds} are the first indices
 * of stem, stage1..stage4 and the end; the stem is everything at stride 2, stage k everything
 * at stride 2^(k+1). An optional hidden classifier layer gets its own group before the head.
 */
final class LayerGroups {
    private LayerGroups() {}

    static LinkedHashMap<String, List<String>> stages(int[] bounds, String hidden, String head) {
        LinkedHashMap<String, List<String>> g = new LinkedHashMap<>();
        for (int s = 0; s + 1 < bounds.length; s++) {
            List<String> paths = new ArrayList<>();
            for (int i = bounds[s]; i < bounds[s + 1]; i++) paths.add("features." + i);
            g.put(s == 0 ? "stem" : "stage" + s, List.copyOf(paths));
        }
        if (hidden != null) g.put("classifier", List.of(hidden));
        g.put(ModelSpec.HEAD_GROUP, List.of(head));
        return g;
    }
}
