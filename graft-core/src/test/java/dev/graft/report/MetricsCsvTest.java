package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {
    @TempDir Path dir;

    @Test
    void roundTripsExactly() throws IOException {
        List<EpochRecord> epochs = List.of(
                new EpochRecord(1, 0.6931471805599453, 0.5012, 0.1 + 0.2, 1.0 / 3, 1e-3, 12.5, 180.25, 0.5, 2.0 / 3),
                new EpochRecord(2, 0.25, 0.9, Double.NaN, Double.NaN, 1e-4, 11, Double.NaN));
        Path f = dir.resolve("run/metrics.csv");
        MetricsCsv.write(f, epochs);
        assertEquals(epochs, MetricsCsv.read(f));
        String text = Files.readString(f);
        MetricsCsv.write(f, MetricsCsv.read(f));
        assertEquals(text, Files.readString(f), "written again (as a resumed run does): the same text");
        List<String> lines = Files.readAllLines(f);
        assertEquals("epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds,images_per_second,val_balanced_acc,"
                + "val_macro_f1", lines.get(0));
        assertTrue(lines.get(1).endsWith(",180.25,0.5,0.6666666666666666"), lines.get(1));
        assertEquals("2,0.25,0.9,,,0.0001,11,,,", lines.get(2), "no exponent, no trailing zero, no rate noise");
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "no temp file left behind");
        }
    }

    @Test
    void theLearningRateColumnIsCompact() {
        // what a cosine schedule and an LR finder's suggestion gave in a trial: 0.0025000000000000014, 0.00010
        List<EpochRecord> epochs = List.of(new EpochRecord(1, 1, 0.5, 1, 0.5, 0.0025000000000000014, 1, 1),
                new EpochRecord(2, 1, 0.5, 1, 0.5, 1e-4, 1, 1), new EpochRecord(3, 1, 0.5, 1, 0.5, 0.000123456789012345, 1, 1));
        List<String> lrs = MetricsCsv.format(epochs).lines().skip(1).map(l -> l.split(",")[5]).toList();
        assertEquals(List.of("0.0025", "0.0001", "0.000123456789"), lrs);
    }

    @Test
    void readsByHeaderNameAndToleratesMissingColumns() {
        String text = "\uFEFFlr,epoch,train_loss,train_acc,val_loss,val_acc,seconds,extra\r\n"
                + "0.001,0,1.5,0.4,1.25,0.5,3.5,x\r\n\r\n";
        List<EpochRecord> r = MetricsCsv.parse(text, "old.csv");
        assertEquals(List.of(new EpochRecord(0, 1.5, 0.4, 1.25, 0.5, 0.001, 3.5, Double.NaN)), r);
    }

    @Test
    void badFilesGiveOneClearSentence() {
        GraftException e = assertThrows(GraftException.class,
                () -> MetricsCsv.parse("epoch,train_loss\n1,abc\n", "m.csv"));
        assertTrue(e.getMessage().contains("m.csv line 2"), e.getMessage());
        e = assertThrows(GraftException.class, () -> MetricsCsv.parse("a,b\n1,2\n", "m.csv"));
        assertTrue(e.getMessage().contains("'epoch'"), e.getMessage());
        e = assertThrows(GraftException.class, () -> MetricsCsv.read(dir.resolve("nope.csv")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void bestEpochIsTheFirstWithTheHighestValAccuracy() {
        List<EpochRecord> h = List.of(
                new EpochRecord(1, 1, 0.5, 1, 0.7, 1e-3, 1, 1),
                new EpochRecord(2, 1, 0.6, 1, 0.9, 1e-3, 1, 1),
                new EpochRecord(3, 1, 0.7, 1, 0.9, 1e-3, 1, 1),
                new EpochRecord(4, 1, 0.8, 1, Double.NaN, 1e-3, 1, 1));
        RunSummary s = RunSummary.fromEpochs("resnet18", "imagenet", "finetune", h);
        assertEquals(2, s.bestEpoch());
        assertEquals(0.9, s.bestValAccuracy());
        RunSummary none = RunSummary.fromEpochs("a", "b", "c", List.of(h.get(3)));
        assertEquals(-1, none.bestEpoch());
        assertTrue(Double.isNaN(none.bestValAccuracy()));
        // the epoch the run kept by another monitor (validation loss, macro-F1) heads the report instead
        RunSummary kept = RunSummary.ofEpoch("resnet18", "imagenet", "finetune", h, 1);
        assertEquals(1, kept.bestEpoch());
        assertEquals(0.7, kept.bestValAccuracy());
        assertEquals(2, RunSummary.ofEpoch("a", "b", "c", h, 4).bestEpoch(), "no validation row: by accuracy");
    }
}
