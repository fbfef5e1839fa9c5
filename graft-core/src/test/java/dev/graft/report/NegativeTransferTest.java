package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 13: a comparison marks a transfer run that ends below scratch (negative transfer). */
class NegativeTransferTest {
    static CompareRow row(String name, String arch, String weights, String strategy, double acc) {
        return new CompareRow(name, arch, weights, strategy, acc, 3, 1000, 1, 10);
    }

    @Test
    void onlyTransferRunsBelowScratchOfTheSameArchitectureAreMarked() {
        CompareRow worse = row("r18-imagenet", "resnet18", "imagenet", "finetune", 0.60);
        CompareRow better = row("r18-run", "resnet18", "runs/src", "head", 0.80);
        CompareRow scratch = row("r18-none", "resnet18", "none", "scratch", 0.70);
        CompareRow otherArch = row("mb-imagenet", "mobilenet_v2", "imagenet", "finetune", 0.50);
        List<CompareRow> rows = List.of(worse, better, scratch, otherArch);
        assertTrue(worse.worseThanScratch(rows));
        assertFalse(better.worseThanScratch(rows));
        assertFalse(scratch.worseThanScratch(rows));
        assertFalse(otherArch.worseThanScratch(rows), "no scratch run of its architecture");
        String html = new HtmlReport().comparison(rows, java.util.Map.of()).render();
        assertEquals(1, html.split(CompareRow.WORSE_THAN_SCRATCH, -1).length - 1, html);
    }
}
