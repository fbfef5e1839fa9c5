package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.eval.Predictor;
import dev.graft.models.ImageModel;
import dev.graft.models.SavedModel;
import dev.graft.models.Zoo;
import dev.graft.spark.cli.SparkMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft spark predict|features} as a user runs them (local[2]): the CSV output agrees
 * with eval.Predictor image by image, --arch/--weights features equal --model ones, and a
 * user's mistake is one sentence with exit 2 (usage) or 1 (failure).
 */
class SparkCliTest {
    @TempDir
    static Path tmp;
    static SavedModel model;
    static Path images, bad;

    @BeforeAll
    static void setUp() throws Exception {
        model = SparkFixtures.model(tmp.resolve("run"));
        images = tmp.resolve("images");
        SparkFixtures.images(images, 2, 7);
        bad = tmp.resolve("bad");
        SparkFixtures.badImages(bad, images.resolve("ant/ant0.png"));
    }

    record Result(int code, String err) {}

    static Result graftSpark(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            return new Result(SparkMain.commandLine().execute(args), err.toString());
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void predictWritesCsvEqualToGraftPredict() throws Exception {
        Path out = tmp.resolve("preds");
        Result r = graftSpark("predict", "--master", "local[2]", "--model", model.dir().toString(), "--format", "csv",
                "--topk", "2", "--out", out.toString(), images.toString(), bad.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("2 could not be read"), r.err());
        Map<String, String[]> rows = new HashMap<>();
        for (Path part : Files.list(out).filter(p -> p.toString().endsWith(".csv")).toList()) {
            List<String> lines = Files.readAllLines(part);
            assertEquals("path,label,probability,topk_labels,topk_probabilities,error", lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                rows.put(SparkFixtures.local(f[0]), f);
            }
        }
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(images)) {
            s.filter(p -> !p.toString().endsWith(".txt") && Files.isRegularFile(p)).sorted().forEach(files::add);
        }
        assertEquals(files.size() + 2, rows.size());
        try (ImageModel m = model.load()) {
            for (Predictor.Prediction p : new Predictor(m, model.classes(), model.preset(), 4).predict(files, 2, false)) {
                String[] f = rows.get(p.image());
                assertEquals(p.top().get(0).label(), f[1]);
                assertEquals(p.top().get(0).probability(), Double.parseDouble(f[2]), 1e-4);
                assertEquals(p.top().get(0).label() + ";" + p.top().get(1).label(), f[3]);
                assertEquals("", f[5]);
            }
        }
        assertFalse(rows.get(bad.resolve("junk.jpg").toString())[5].isEmpty());
    }

    @Test
    void archAndWeightsGiveTheFeaturesOfTheRun() {
        // a weights file carries no preset: --arch uses the architecture's default (resize 256, crop 224)
        SavedModel run = SparkFixtures.model(tmp.resolve("run224"), Zoo.get("resnet18").defaultWeights().preset());
        Path a = tmp.resolve("f-model"), b = tmp.resolve("f-arch");
        assertEquals(0, graftSpark("features", "--master", "local[2]", "--model", run.dir().toString(),
                "--out", a.toString(), images.toString()).code());
        Result r = graftSpark("features", "--master", "local[2]", "--arch", "resnet18",
                "--weights", run.weightsFile().toString(), "--out", b.toString(), images.toString());
        assertEquals(0, r.code(), r.err());
        SparkSession spark = SparkFixtures.session();
        try {
            Map<String, List<Float>> fa = new HashMap<>();
            for (Row row : spark.read().parquet(a.toString()).collectAsList()) fa.put(row.getString(0), row.getList(1));
            List<Row> rb = spark.read().parquet(b.toString()).collectAsList();
            assertEquals(6, rb.size());
            for (Row row : rb) assertEquals(fa.get(row.getString(0)), row.getList(1), row.getString(0));
        } finally {
            spark.stop();
        }
    }

    @Test
    void mistakesAreOneSentence() {
        String run = model.dir().toString();
        assertEquals(2, graftSpark("predict", "--model", run, "--out", tmp.resolve("x").toString()).code(), "no INPUT");
        assertEquals(2, graftSpark("predict", "--model", run, "--format", "json", "--out", "x", "in").code());
        assertEquals(2, graftSpark("features", "--out", "x", "in").code(), "no model");
        Result missing = graftSpark("predict", "--master", "local[1]", "--model", run, "--out",
                tmp.resolve("y").toString(), tmp.resolve("nowhere").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertFalse(missing.err().contains("Exception"), missing.err());
        Result noModel = graftSpark("predict", "--model", tmp.resolve("none").toString(), "--out", "x", "in");
        assertEquals(1, noModel.code());
        assertTrue(noModel.err().contains("does not exist"), noModel.err());
    }
}
