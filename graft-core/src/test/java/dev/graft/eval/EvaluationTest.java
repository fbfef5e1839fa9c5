package dev.graft.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.Dataset;
import dev.graft.data.IdxDataset;
import dev.graft.data.transforms.Interpolation;
import dev.graft.data.transforms.Preset;
import dev.graft.models.HeadSpec;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.nn.Rng;
import dev.graft.report.EvaluationFiles;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Evaluation} through its Java API on a tiny Fashion-MNIST-style test set (IDX files
 * written here) and a model whose class list is Fashion-MNIST's in reverse order: labels are
 * matched by name, every image counted once, tiles drawn at the preset's crop size.
 */
class EvaluationTest {
    static final int N = 20;

    static void writeIdx(Path dir, int[] labels, Random rnd) throws IOException {
        Files.createDirectories(dir);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("t10k-images-idx3-ubyte")))) {
            out.writeInt(0x00000803);
            out.writeInt(labels.length);
            out.writeInt(28);
            out.writeInt(28);
            byte[] px = new byte[labels.length * 28 * 28];
            rnd.nextBytes(px);
            out.write(px);
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("t10k-labels-idx1-ubyte")))) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            for (int l : labels) out.writeByte(l);
        }
    }

    @Test
    void fashionMnistTestSetMatchedByNameToTheModelsClasses(@TempDir Path tmp) throws IOException {
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) labels[i] = (i * 7) % 5; // only the first five classes occur
        writeIdx(tmp.resolve("fm"), labels, new Random(2));
        List<String> modelClasses = new ArrayList<>(IdxDataset.FASHION_CLASSES);
        Collections.reverse(modelClasses);
        Rng.manualSeed(3);
        SavedModel saved;
        try (ImageModel m = Zoo.get("resnet18").build(10)) {
            saved = SavedModel.write(tmp.resolve("run"), m, "resnet18", modelClasses,
                    Preset.imagenet(32, 28, Interpolation.BILINEAR), HeadSpec.LINEAR, "none");
        }
        Evaluation.Data data = Evaluation.data("fashion-mnist:" + tmp.resolve("fm"));
        assertEquals(N, data.dataset().size());
        Evaluation.Result r = Evaluation.run(saved, data.dataset(), 8, 1);
        Metrics m = r.metrics();
        assertEquals(modelClasses, m.classes());
        assertEquals(N, m.count());
        int[][] cm = m.confusionMatrix();
        for (int k = 0; k < 10; k++) {
            String name = modelClasses.get(k);
            int want = 0;
            for (int l : labels) if (IdxDataset.FASHION_CLASSES.get(l).equals(name)) want++;
            int got = 0;
            for (int v : cm[k]) got += v;
            assertEquals(want, got, "images of " + name);
        }
        long wrong = m.count() - m.correct();
        assertEquals(Math.min(wrong, MetricsAccumulator.DEFAULT_KEEP_MISTAKES), r.mistakes().size());
        for (PredictionTile t : r.mistakes()) {
            assertEquals(28, t.image().width());
            assertEquals(28, t.image().height());
            assertTrue(!t.correct());
        }
        assertEquals(List.of(), r.skipped());

        EvaluationFiles.Written w = EvaluationFiles.write(r, tmp.resolve("out"));
        assertTrue(Files.size(w.confusionPng()) > 0);
        if (wrong == 0) assertNull(w.mistakesPng());
        else assertTrue(Files.size(w.mistakesPng()) > 0);
        assertTrue(Files.readString(w.metricsJson()).contains("\"confusion_matrix\""));
    }

    @Test
    void aPerfectEvaluationRemovesAnOldMistakesGrid(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve(EvaluationFiles.MISTAKES_PNG), "from an earlier evaluation");
        Metrics perfect = Metrics.of(List.of("a", "b"), new int[] {0, 1}, new float[][] {{2, 1}, {1, 2}});
        EvaluationFiles.Written w = EvaluationFiles.write(new Evaluation.Result(perfect, List.of(), List.of()), tmp);
        assertNull(w.mistakesPng());
        assertTrue(Files.notExists(tmp.resolve(EvaluationFiles.MISTAKES_PNG)));
        assertTrue(Files.exists(w.confusionPng()));
    }

    @Test
    void aClassTheModelDoesNotKnowIsOneSentence() {
        Dataset data = new dev.graft.data.InMemoryDataset("t", List.of("cat", "zebra"), 2, 2, 1, new byte[8],
                new int[] {0, 1});
        GraftException e = assertThrows(GraftException.class,
                () -> Evaluation.byModelClasses(data, List.of("cat", "dog")));
        assertEquals("the data has class 'zebra' that the model does not know; its classes are 'cat', 'dog'.",
                e.getMessage());
        Dataset same = Evaluation.byModelClasses(data, List.of("cat", "zebra"));
        assertEquals(data, same);
        Dataset mapped = Evaluation.byModelClasses(data, List.of("zebra", "dog", "cat"));
        assertEquals(2, mapped.label(0));
        assertEquals(0, mapped.label(1));
    }

    @Test
    void aFolderWithOnlyTrainIsNotEvaluatedByMistake(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("train").resolve("cat"));
        GraftException e = assertThrows(GraftException.class, () -> Evaluation.data(tmp.toString()));
        assertTrue(e.getMessage().contains("no test/ or val/"), e.getMessage());
        e = assertThrows(GraftException.class, () -> Evaluation.data(tmp.resolve("missing").toString()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
