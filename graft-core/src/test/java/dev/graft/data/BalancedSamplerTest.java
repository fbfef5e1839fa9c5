package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code --sampler balanced}: seeded, with replacement, dataset-sized epochs, classes about equally often. */
class BalancedSamplerTest {
    @Test
    void classesComeAboutEquallyOftenInASeededEpoch() {
        int[] counts = {900, 60, 40};
        int[] labels = new int[1000];
        for (int i = 0, k = 0; k < counts.length; k++) for (int j = 0; j < counts[k]; j++) labels[i++] = k;
        BalancedSampler s = new BalancedSampler(counts, i -> labels[i], labels.length, 7);
        int[] order = s.order(0);
        assertEquals(labels.length, order.length, "one epoch draws as many images as the dataset has");
        int[] seen = new int[counts.length];
        for (int i : order) seen[labels[i]]++;
        // a binomial with n 1000, p 1/3 has a standard deviation of 15: allow 4 of them
        for (int k = 0; k < counts.length; k++) assertEquals(1000 / 3.0, seen[k], 60, "class " + k + ": " + Arrays.toString(seen));
        assertArrayEquals(order, s.order(0), "the same epoch gives the same order");
        assertArrayEquals(order, new BalancedSampler(counts, i -> labels[i], labels.length, 7).order(0));
        assertFalse(Arrays.equals(order, s.order(1)), "another epoch draws again");
        assertFalse(Arrays.equals(order, new BalancedSampler(counts, i -> labels[i], labels.length, 8).order(0)));
        // rare images repeat (with replacement)
        assertTrue(Arrays.stream(order).filter(i -> labels[i] == 2).distinct().count() < seen[2]);
    }

    @Test
    void theLoaderVisitsTheSamplersOrder() {
        InMemoryDatasetHolder d = new InMemoryDatasetHolder();
        Loader loader = Loader.builder(d.dataset).batchSize(4).workers(0).sampler(SamplerKind.BALANCED.create(d.dataset, 3))
                .build();
        assertArrayEquals(SamplerKind.BALANCED.create(d.dataset, 3).order(2), loader.order(2));
        assertEquals(null, SamplerKind.SHUFFLE.create(d.dataset, 3));
    }

    /** A dataset of 10 labels (8 of class 0, 2 of class 1) that never needs its images. */
    static final class InMemoryDatasetHolder {
        final Dataset dataset = new Dataset() {
            @Override public int size() { return 10; }
            @Override public java.util.List<String> classes() { return java.util.List.of("a", "b"); }
            @Override public int label(int i) { return i < 8 ? 0 : 1; }
            @Override public dev.graft.image.RgbImage image(int i) { throw new UnsupportedOperationException(); }
            @Override public String source(int i) { return "#" + i; }
        };
    }
}
