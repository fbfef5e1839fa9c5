package dev.graft.cli;

import static dev.graft.cli.CliConventionsTest.exec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.io.DType;
import dev.graft.io.Safetensors;
import dev.graft.io.TensorData;
import dev.graft.models.SavedModel;
import dev.graft.train.FeatureRun;
import dev.graft.train.FeatureSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft train --features DIR} on a hand-written shard set (the format graft spark
 * features writes: features.json + part-N.safetensors): the shards read back row for row,
 * a folder without a manifest, shards of another dimension and a strategy other than head
 * are refused in one sentence, and training writes a run whose model is ResNet-18 with the
 * classes and preset of the manifest and a head that learned the (separable) features.
 */
class TrainOnFeaturesTest {
    static final int DIM = 512;

    @TempDir
    Path tmp;

    /** Two shards of {@code sizes} rows of seeded features; class 0 rows are centred on -1, class 1 rows on +1, so a head can learn them. */
    static Path shards(Path dir, int dim2, int... sizes) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder list = new StringBuilder();
        int total = 0;
        for (int s = 0; s < sizes.length; s++) {
            int n = sizes[s], dim = s == 1 ? dim2 : DIM;
            float[] x = new float[n * dim];
            ByteBuffer y = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                int label = (i + s) % 2;
                y.putLong(label);
                for (int j = 0; j < dim; j++) x[i * dim + j] = (float) (r.nextGaussian() * 0.5 + 2 * label - 1);
            }
            String name = "part-" + s + ".safetensors";
            Safetensors.write(dir.resolve(name), Map.of("features", TensorData.ofFloats(new long[] {n, dim}, x),
                    "labels", new TensorData(DType.INT64, new long[] {n}, y.array())), Map.of());
            list.append(s == 0 ? "" : ",").append("{\"file\":\"").append(name).append("\",\"images\":").append(n).append('}');
            total += n;
        }
        Files.writeString(dir.resolve(FeatureSet.MANIFEST), "{\"format\":\"graft-features\",\"arch\":\"resnet18\","
                + "\"weights\":\"none\",\"preset\":{\"resize\":36,\"crop\":32,\"interpolation\":\"bilinear\","
                + "\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]},\"dim\":" + DIM
                + ",\"classes\":[\"ant\",\"bee\"],\"images\":" + total + ",\"shards\":[" + list + "]}");
        return dir;
    }

    @Test
    void shardsReadBackRowForRow() throws Exception {
        Path dir = shards(tmp.resolve("f"), DIM, 5, 4);
        FeatureSet f = FeatureSet.read(dir);
        assertEquals(9, f.size());
        assertEquals(List.of("ant", "bee"), f.classes());
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0}, f.labels());
        float[] second = Safetensors.read(dir.resolve("part-1.safetensors")).get("features").toFloats();
        assertArrayEquals(java.util.Arrays.copyOfRange(second, 0, DIM), java.util.Arrays.copyOfRange(f.features(), 5 * DIM, 6 * DIM));
        assertEquals(32, f.preset().crop());
        // a Spark output folder keeps them in _graft/
        Path spark = tmp.resolve("spark");
        shards(spark.resolve(FeatureSet.SUBDIR), DIM, 3);
        assertEquals(3, FeatureSet.read(spark).size());
    }

    @Test
    void mistakesAreRefusedInOneSentence() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        GraftException none = assertThrows(GraftException.class, () -> FeatureSet.read(tmp.resolve("empty")));
        assertTrue(none.getMessage().contains("has no features.json"), none.getMessage());
        GraftException mixed = assertThrows(GraftException.class, () -> FeatureSet.read(shards(tmp.resolve("m"), 256, 4, 4)));
        assertTrue(mixed.getMessage().contains("dimension 256"), mixed.getMessage());

        Path ok = shards(tmp.resolve("ok"), DIM, 6, 6);
        CliConventionsTest.Out ft = exec("train", "--features", ok.toString(), "--strategy", "finetune", "--out", tmp.resolve("r").toString());
        assertEquals(2, ft.code());
        assertTrue(ft.err().contains(FeatureRun.HEAD_ONLY), ft.err());
        CliConventionsTest.Out noManifest = exec("train", "--features", tmp.resolve("empty").toString(), "--out", tmp.resolve("r2").toString());
        assertEquals(1, noManifest.code());
        assertFalse(noManifest.err().contains("Exception"), noManifest.err());
    }

    @Test
    void trainsTheHeadIntoALoadableRun() throws Exception {
        Path feats = shards(tmp.resolve("f"), DIM, 20, 20);
        Path run = tmp.resolve("run");
        CliConventionsTest.Out r = exec("train", "--features", feats.toString(), "--out", run.toString(), "--epochs", "3",
                "--batch-size", "8", "--lr", "0.01", "--val-split", "0.25");
        assertEquals(0, r.code(), r.all());
        SavedModel saved = SavedModel.read(run);
        assertEquals("resnet18", saved.arch());
        assertEquals(List.of("ant", "bee"), saved.classes());
        assertEquals(36, saved.preset().resize());
        assertEquals(3, dev.graft.report.MetricsCsv.read(run.resolve("metrics.csv")).size());
        double valAcc = dev.graft.report.MetricsCsv.read(run.resolve("metrics.csv")).get(2).valAcc();
        assertEquals(1.0, valAcc, 1e-9, r.err() + Files.readString(run.resolve("metrics.csv")));
        assertTrue(Files.readString(run.resolve("run.json")).contains("\"val\": [\n"), "counts per split in run.json");
        assertTrue(Files.readString(run.resolve("run.json")).contains("\"epochs_finished\": 3,"), "results in run.json");
        try (var files = Files.list(run.resolve("checkpoints"))) {
            assertEquals(List.of("last.safetensors"), files.map(p -> p.getFileName().toString()).toList(), "one checkpoint kept");
        }
        assertTrue(r.err().contains("Epoch 3/3"), r.err());
        CliConventionsTest.Out resume = exec("train", "--resume", run.toString());
        assertEquals(2, resume.code());
        assertTrue(resume.err().contains("was trained on --features"), resume.err());
        try (var m = saved.load()) {
            assertEquals(DIM, m.numFeatures());
        }
    }
}
