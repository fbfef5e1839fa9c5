package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.ImageFolder;
import dev.graft.data.Loader;
import dev.graft.eval.Predictor;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.train.FeatureCache;
import dev.graft.train.LoaderData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API in local[2] against the single-machine code paths on the same images:
 * predictions equal to eval.Predictor's (what {@code graft predict} runs), features equal to
 * the training feature cache's, unreadable images reported in the error column, and the
 * model loaded once per executor JVM however many tasks run.
 */
class GraftSparkTest {
    @TempDir
    static Path tmp;
    static SparkSession spark;
    static SavedModel model;
    static Path images, bad;

    @BeforeAll
    static void setUp() throws Exception {
        spark = SparkFixtures.session();
        model = SparkFixtures.model(tmp.resolve("run"));
        images = tmp.resolve("images");
        SparkFixtures.images(images, 6, 42);
        bad = tmp.resolve("bad");
        SparkFixtures.badImages(bad, images.resolve("ant/ant0.png"));
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) spark.stop();
    }

    static Map<String, Row> byPath(Dataset<Row> d) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : d.collectAsList()) out.put(SparkFixtures.local(r.getString(0)), r);
        return out;
    }

    @Test
    void predictionsEqualGraftPredict() {
        Dataset<Row> in = GraftSpark.readImages(spark, List.of(images.toString(), bad.toString())).repartition(3);
        Map<String, Row> rows = byPath(GraftSpark.predict(in, model, 3, 4));
        ImageFolder folder = new ImageFolder(images);
        List<Path> all = new java.util.ArrayList<>();
        for (int i = 0; i < folder.size(); i++) all.add(folder.file(i));
        all.add(bad.resolve("junk.jpg"));
        all.add(bad.resolve("cut.png"));
        assertEquals(all.size(), rows.size(), "one row per image, notes.txt left out");
        List<Predictor.Prediction> expected;
        try (ImageModel m = model.load()) {
            expected = new Predictor(m, model.classes(), model.preset(), 5).predict(all, 3, false);
        }
        int compared = 0;
        for (Predictor.Prediction p : expected) {
            Row r = rows.get(Path.of(p.image()).toAbsolutePath().toString());
            assertNotNull(r, p.image());
            if (p.error() != null) {
                assertNotNull(r.getAs("error"), p.image() + " is unreadable");
                assertNull(r.getAs("label"));
                continue;
            }
            assertNull(r.getAs("error"));
            assertEquals(p.top().get(0).label(), r.getAs("label"), p.image());
            assertEquals(p.top().get(0).probability(), (double) r.getAs("probability"), 1e-4, p.image());
            List<String> labels = r.getList(r.fieldIndex("topk_labels"));
            List<Double> probs = r.getList(r.fieldIndex("topk_probabilities"));
            assertEquals(3, labels.size());
            for (int k = 0; k < 3; k++) {
                assertEquals(p.top().get(k).label(), labels.get(k));
                assertEquals(p.top().get(k).probability(), probs.get(k), 1e-4);
            }
            compared++;
        }
        assertEquals(18, compared);
        double spread = rows.values().stream().filter(r -> r.getAs("error") == null)
                .mapToDouble(r -> (double) r.getAs("probability")).max().orElse(0);
        assertTrue(spread > 0.4, "the fixture model decides its labels (best probability " + spread + ")");
        assertEquals(2, rows.values().stream().filter(r -> r.getAs("error") != null).count());
    }

    @Test
    void featuresEqualTheFeatureCache() {
        Dataset<Row> in = GraftSpark.readImages(spark, List.of(images.toString())).repartition(2);
        Map<String, Row> rows = byPath(GraftSpark.features(in, model, 5));
        ImageFolder folder = new ImageFolder(images);
        FeatureCache cache;
        try (ImageModel m = model.load();
             Loader loader = Loader.builder(folder).transform(model.preset().evalTransform())
                     .normalize(model.preset().normalizer()).batchSize(4).workers(0).build()) {
            cache = FeatureCache.compute(m, LoaderData.batches(loader, 0));
        }
        assertEquals(folder.size(), cache.size());
        assertEquals(folder.size(), rows.size());
        int[] ids = cache.identity();
        for (int i = 0; i < ids.length; i++) {
            Row r = rows.get(folder.file(ids[i]).toAbsolutePath().toString());
            List<Float> f = r.getList(r.fieldIndex("features"));
            float[] want = cache.row(i);
            assertEquals(want.length, f.size());
            assertEquals(512, f.size());
            double worst = 0;
            for (int j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(want[j] - f.get(j)));
            assertTrue(worst <= 1e-5, folder.file(ids[i]) + ": features differ by " + worst);
        }
    }

    @Test
    void aTableNamesOrHoldsTheImages() throws Exception {
        ImageFolder folder = new ImageFolder(images);
        Path table = tmp.resolve("list.csv");
        Files.writeString(table, "path,comment\n" + folder.file(0) + ",x\n" + folder.file(5) + ",y\n"
                + bad.resolve("junk.jpg") + ",z\n");
        Map<String, Row> rows = byPath(GraftSpark.predict(GraftSpark.readImages(spark, List.of(table.toString())), model));
        assertEquals(java.util.Set.of(folder.file(0).toString(), folder.file(5).toString(), bad.resolve("junk.jpg").toString()),
                rows.keySet());
        assertNotNull(rows.get(bad.resolve("junk.jpg").toString()).getAs("error"));

        // a Parquet table that holds the images themselves (path, content) is read as it is
        Path packed = tmp.resolve("packed.parquet");
        GraftSpark.readImages(spark, List.of(images.toString())).write().parquet(packed.toString());
        Map<String, Row> fromTable = byPath(GraftSpark.predict(GraftSpark.readImages(spark, List.of(packed.toString())), model));
        Map<String, Row> fromFiles = byPath(GraftSpark.predict(GraftSpark.readImages(spark, List.of(images.toString())), model));
        assertEquals(18, fromTable.size());
        for (var e : fromFiles.entrySet()) {
            assertEquals((String) e.getValue().getAs("label"), (String) fromTable.get(e.getKey()).getAs("label"), e.getKey());
            assertEquals((double) e.getValue().getAs("probability"), (double) fromTable.get(e.getKey()).getAs("probability"), 1e-6);
        }
    }

    @Test
    void theModelIsLoadedOncePerExecutor() throws Exception {
        // a model of its own (another run folder, another key), so other tests' loads do not count
        SavedModel own = SparkFixtures.model(tmp.resolve("run-counted"));
        int before = GraftSpark.modelLoads();
        Dataset<Row> in = GraftSpark.readImages(spark, List.of(images.toString())).repartition(6);
        assertEquals(6, in.rdd().getNumPartitions());
        assertEquals(18, GraftSpark.predict(in, own).count());
        assertEquals(18, GraftSpark.features(in, own).count());
        assertEquals(1, GraftSpark.modelLoads() - before, "12 tasks on one executor JVM load the model once");
        assertTrue(Files.isDirectory(own.dir()));
    }
}
