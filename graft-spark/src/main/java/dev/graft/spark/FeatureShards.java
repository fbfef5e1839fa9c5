package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.io.DType;
import dev.graft.io.Safetensors;
import dev.graft.io.TensorData;
import dev.graft.models.SavedModel;
import dev.graft.report.JsonOutput;
import dev.graft.train.FeatureSet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * What {@code graft train --features} reads, written next to a features output: in
 * {@code OUT/_graft/} (a folder Spark's readers skip, so OUT stays a plain Parquet table) one
 * {@code part-N.safetensors} per partition with {@code features} [n, D] float32 and
 * {@code labels} [n] int64, and the manifest {@code features.json} ({@link FeatureSet}'s
 * format). An image's label is the name of its parent folder; the classes are those names
 * sorted, as an image folder's are. Unreadable images are left out. Rows are ordered by class
 * and path, so the shards list the images in the order {@code graft train} lists a folder of
 * class folders, and a head trained on them equals one trained with {@code --cache-features}.
 * Executors write their shards through Hadoop's file system API (any file system the cluster has).
 */
public final class FeatureShards {
    static final StructType WRITTEN = new StructType().add("file", DataTypes.StringType).add("images", DataTypes.IntegerType)
            .add("dim", DataTypes.IntegerType);
    private static final Comparator<String> CODEPOINTS = (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    private FeatureShards() {}

    /**
     * Reads the features table at {@code out} back and writes its shards and manifest;
     * {@code weights} names what computed them (a run folder, a weights file, imagenet).
     * Returns the number of images in the shards: 0, with nothing written, when the images are
     * not in two or more folders (nothing to train a classifier on).
     */
    public static long write(SparkSession spark, String out, SavedModel model, String weights) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path home;
        try {
            Path root = new Path(out);
            home = new Path(root.getFileSystem(conf).makeQualified(root), FeatureSet.SUBDIR);
        } catch (IOException e) {
            throw new GraftException("cannot reach " + out + ": " + e.getMessage(), e);
        }
        Dataset<Row> rows = spark.read().parquet(out).where("error IS NULL")
                .withColumn("label", functions.element_at(functions.split(functions.col("path"), "/"), -2));
        List<String> classes = new ArrayList<>();
        for (Row r : rows.select("label").distinct().collectAsList()) classes.add(r.getString(0));
        classes.sort(CODEPOINTS);
        if (classes.size() < 2) return 0; // not class folders: nothing to train a head on
        Broadcast<SerializableConfiguration> hadoop = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new SerializableConfiguration(conf));
        List<Row> shards = new ArrayList<>(rows.orderBy("label", "path").select("label", "features")
                .mapPartitions(new Writer(home.toString(), classes, hadoop), Encoders.row(WRITTEN)).collectAsList());
        shards.sort(Comparator.comparing(r -> r.getString(0)));
        long images = 0;
        int dim = -1;
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row s : shards) {
            if (dim >= 0 && s.getInt(2) != dim) throw new GraftException("the features have two dimensions, " + dim + " and " + s.getInt(2) + ".");
            dim = s.getInt(2);
            images += s.getInt(1);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", s.getString(0));
            m.put("images", s.getInt(1));
            list.add(m);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FeatureSet.FORMAT);
        manifest.put("arch", model.arch());
        manifest.put("weights", weights);
        manifest.put("preset", model.toJson().get("preset"));
        manifest.put("dim", dim);
        manifest.put("classes", classes);
        manifest.put("images", images);
        manifest.put("shards", list);
        try (OutputStream o = home.getFileSystem(conf).create(new Path(home, FeatureSet.MANIFEST), true)) {
            o.write(JsonOutput.gson(true).toJson(manifest).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GraftException("cannot write " + new Path(home, FeatureSet.MANIFEST) + ": " + e.getMessage(), e);
        }
        return images;
    }

    /** One partition (rows label, features) to one shard; returns its name, size and dimension (nothing for an empty partition). */
    private record Writer(String home, List<String> classes, Broadcast<SerializableConfiguration> hadoop)
            implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) throws IOException {
            List<float[]> xs = new ArrayList<>();
            List<Integer> ys = new ArrayList<>();
            while (input.hasNext()) {
                Row r = input.next();
                List<Float> f = r.getList(1);
                float[] x = new float[f.size()];
                for (int i = 0; i < x.length; i++) x[i] = f.get(i);
                if (!xs.isEmpty() && x.length != xs.get(0).length) throw new GraftException("the features have two dimensions.");
                xs.add(x);
                ys.add(classes.indexOf(r.getString(0)));
            }
            if (xs.isEmpty()) return List.<Row>of().iterator();
            int n = xs.size(), dim = xs.get(0).length;
            float[] x = new float[n * dim];
            ByteBuffer y = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                System.arraycopy(xs.get(i), 0, x, i * dim, dim);
                y.putLong(ys.get(i));
            }
            String name = String.format("part-%05d.safetensors", TaskContext.getPartitionId());
            java.nio.file.Path local = Files.createTempFile("graft-shard-", ".safetensors");
            try {
                Safetensors.write(local, Map.of("features", TensorData.ofFloats(new long[] {n, dim}, x),
                        "labels", new TensorData(DType.INT64, new long[] {n}, y.array())), Map.of());
                Path target = new Path(home, name);
                target.getFileSystem(hadoop.value().value()).copyFromLocalFile(true, true, new Path(local.toUri()), target);
            } finally {
                Files.deleteIfExists(local);
            }
            return List.of(RowFactory.create(name, n, dim)).iterator();
        }
    }
}
