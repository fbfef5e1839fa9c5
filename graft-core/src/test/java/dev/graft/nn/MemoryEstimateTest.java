package dev.graft.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;

/** The estimate and the decision, with the available memory injected. */
class MemoryEstimateTest {
    static final long GB = 1L << 30, MB = 1L << 20;

    @Test
    void theBatchThatFitsIsThePowerOfTwoBelowTheBudget() {
        MemoryEstimate.Need need = new MemoryEstimate.Need("Training x", GB, 100 * MB);
        long available = 8 * GB; // budget 0.9 * 8 GB = 7372.8 MB: (7372.8 - 1024) / 100 = 63.5 images
        assertNull(MemoryEstimate.problem(need, 63, 224, available));
        String p = MemoryEstimate.problem(need, 64, 224, available);
        assertEquals("Training x at 224 px with --batch-size 64 needs about 7.3 GB more memory, but 8.0 GB is available;"
                + " --batch-size 32 fits (or add --no-memory-check to try anyway).", p);
        assertTrue(MemoryEstimate.problem(new MemoryEstimate.Need("Training x", 8 * GB, MB), 1, 32, available)
                .contains("even a batch of one does not fit"));
    }

    @Test
    void activationsScaleWithTheImageAreaAndTheFrozenBackboneNeedsLess() {
        MemoryEstimate.Need at224 = MemoryEstimate.training("resnet50", 25_000_000, 25_000_000, 1, false, 224);
        MemoryEstimate.Need at112 = MemoryEstimate.training("resnet50", 25_000_000, 25_000_000, 1, false, 112);
        assertEquals(at224.fixed(), at112.fixed());
        assertEquals(4 * 25_000_000L * 2 + 4 * 25_000_000L * 2, at224.fixed()); // grads + momentum, two copies
        double ratio = (double) at224.perImage() / at112.perImage();
        assertEquals(4.0, ratio, 0.01);
        MemoryEstimate.Need head = MemoryEstimate.training("resnet50", 25_000_000, 2_000, 1, true, 224);
        assertTrue(head.perImage() < at224.perImage(), head + " vs " + at224);
        // resnet50 at 224 trains on tens of MB per image (the measured table, not a guess of zero)
        assertTrue(at224.perImage() > 20 * MB && at224.perImage() < 500 * MB, at224.toString());
    }

    @Test
    void theIssuesResnet50CaseIsRefusedOnATwelveGigabyteMachine() {
        MemoryEstimate.Need need = MemoryEstimate.training("resnet50", 23_512_130, 23_512_130, 1, false, 224);
        String p = MemoryEstimate.problem(need, 512, 224, 12 * GB);
        assertTrue(p != null && p.startsWith("Training resnet50 at 224 px with --batch-size 512 needs about"), p);
        long fits = Long.parseLong(p.replaceAll(".*--batch-size (\\d+) fits.*", "$1"));
        assertNull(MemoryEstimate.problem(need, (int) fits, 224, 12 * GB));
        assertTrue(MemoryEstimate.problem(need, (int) fits * 2, 224, 12 * GB) != null);
    }

    @Test
    void requireUsesTheInjectedFigureAndTheSwitch() {
        MemoryEstimate.Need need = new MemoryEstimate.Need("Inference with x", 0, GB);
        System.setProperty("graft.memory.available", String.valueOf(4 * GB));
        try {
            MemoryEstimate.require(need, 2, 224);
            assertThrows(GraftException.class, () -> MemoryEstimate.require(need, 4, 224));
            MemoryEstimate.enabled = false;
            MemoryEstimate.require(need, 4, 224);
        } finally {
            MemoryEstimate.enabled = true;
            System.clearProperty("graft.memory.available");
        }
        assertTrue(MemoryEstimate.available() > 0, "MemAvailable is readable on Linux");
    }
}
