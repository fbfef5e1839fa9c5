package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.Main;
import dev.graft.io.TensorData;
import dev.graft.io.WeightFiles;
import dev.graft.models.SavedModel;
import dev.graft.report.MetricsCsv;
import dev.graft.train.FeatureSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of issue 15: {@code graft spark features} (local[2]) writes training shards next to
 * its Parquet, and {@code graft train --features} (the core's CLI, in-process) trains a head on
 * them without the images whose weights, validation metrics and predictions (through
 * {@code graft predict}) equal those of {@code graft train --strategy head --cache-features} on
 * the images from the same source model with the same seed.
 */
class TrainOnFeaturesTest {
    @TempDir
    static Path tmp;

    record Out(int code, String out, String err) {}

    static Out graft(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            return new Out(Main.commandLine().execute(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void aHeadOnSparkFeaturesEqualsTheCachedFeaturesHead() throws Exception {
        // graft train --weights RUN --image-size 32 preprocesses with the architecture's preset scaled to 32 px
        // (resize 37, crop 32), so the source run has that preset: both heads then see the same images
        SavedModel source = SparkFixtures.model(tmp.resolve("source"),
                dev.graft.models.Zoo.get("resnet18").defaultWeights().preset().scaledTo(32));
        Path images = tmp.resolve("images");
        SparkFixtures.images(images, 6, 21);
        Path feats = tmp.resolve("feats");
        SparkCliTest.Result f = SparkCliTest.graftSpark("features", "--master", "local[2]", "--model", source.dir().toString(),
                "--partitions", "3", "--out", feats.toString(), images.toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(f.err().contains("18 labelled feature rows"), f.err());
        FeatureSet set = FeatureSet.read(feats);
        assertEquals(SparkFixtures.CLASSES, set.classes());
        assertEquals(source.dir().toAbsolutePath().toString(), set.weights());

        List<String> recipe = List.of("--recipe", "tutorial", "--epochs", "3", "--batch-size", "4", "--lr", "0.01", "--seed", "3", "--val-split", "0.34");
        Path onFeatures = tmp.resolve("on-features"), cached = tmp.resolve("cached");
        Out a = graft(args(List.of("train", "--features", feats.toString(), "--out", onFeatures.toString()), recipe));
        assertEquals(0, a.code(), a.err());
        Out b = graft(args(List.of("train", images.toString(), "--weights", source.dir().toString(), "--strategy", "head",
                "--augment", "none", "--cache-features", "--image-size", "32", "--workers", "1", "--out", cached.toString()), recipe));
        assertEquals(0, b.code(), b.err());

        Map<String, TensorData> wa = WeightFiles.read(onFeatures.resolve(SavedModel.WEIGHTS)),
                wb = WeightFiles.read(cached.resolve(SavedModel.WEIGHTS));
        for (String k : List.of("fc.weight", "fc.bias")) assertArrayEquals(wb.get(k).toFloats(), wa.get(k).toFloats(), 1e-4f, () -> k + read(onFeatures.resolve("metrics.csv")) + read(cached.resolve("metrics.csv")) + a.err() + b.err());
        assertArrayEquals(wb.get("layer4.1.conv2.weight").toFloats(), wa.get("layer4.1.conv2.weight").toFloats(), 0f, "the source backbone");
        var ma = MetricsCsv.read(onFeatures.resolve("metrics.csv"));
        var mb = MetricsCsv.read(cached.resolve("metrics.csv"));
        for (int e = 0; e < 3; e++) {
            assertEquals(mb.get(e).valAcc(), ma.get(e).valAcc(), 1e-12);
            assertEquals(mb.get(e).valLoss(), ma.get(e).valLoss(), 1e-4);
        }
        assertEquals(SavedModel.read(cached).preset(), SavedModel.read(onFeatures).preset());

        Out pa = graft("predict", "--model", onFeatures.toString(), "--csv", images.toString());
        Out pb = graft("predict", "--model", cached.toString(), "--csv", images.toString());
        assertEquals(0, pa.code(), pa.err());
        assertEquals(labels(pb.out()), labels(pa.out()));
        assertEquals(18, labels(pa.out()).size());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String[] args(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    /** image and top label of each rank-1 row of graft predict --csv. */
    private static List<String> labels(String csv) {
        List<String> out = new ArrayList<>();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",");
            if (f.length >= 4 && f[1].equals("1")) out.add(f[0] + " " + f[3]);
        }
        return out;
    }
}
