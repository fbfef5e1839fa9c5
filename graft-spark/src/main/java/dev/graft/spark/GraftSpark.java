package dev.graft.spark;

import dev.graft.models.SavedModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Graft models on Spark, as a Java API for a user's own job: {@link #predict} classifies and
 * {@link #features} embeds a Dataset of images with columns {@code path} (string) and
 * {@code content} (the encoded file, binary), as Spark's {@code binaryFile} source reads them
 * ({@link #readImages}). The model's files travel to the executors in a broadcast; each
 * executor loads the model once ({@link ExecutorModels}) and every partition is decoded and
 * run in batches. An image that cannot be decoded gets a message in the {@code error} column
 * (null otherwise) and never fails the job. No shuffle: the output keeps the input's partitions.
 */
public final class GraftSpark {
    /** path, label, probability, topk_labels, topk_probabilities, error. */
    public static final StructType PREDICTIONS = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.StringType)
            .add("probability", DataTypes.DoubleType)
            .add("topk_labels", DataTypes.createArrayType(DataTypes.StringType, false))
            .add("topk_probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false))
            .add("error", DataTypes.StringType);
    /** path, features (the penultimate layer, float32), error. */
    public static final StructType FEATURES = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("error", DataTypes.StringType);
    public static final int DEFAULT_TOPK = 5;
    public static final int DEFAULT_BATCH = 16;

    private GraftSpark() {}

    /** Image files under folders (recursively, by image extension), globs or single files. */
    public static Dataset<Row> readImages(SparkSession spark, List<String> inputs) {
        return ImageInputs.read(spark, inputs);
    }

    public static Dataset<Row> predict(Dataset<Row> images, SavedModel model) {
        return predict(images, model, DEFAULT_TOPK, DEFAULT_BATCH);
    }

    /** The {@code topk} best classes of every image with softmax probabilities, best first. */
    public static Dataset<Row> predict(Dataset<Row> images, SavedModel model, int topk, int batchSize) {
        if (topk <= 0 || batchSize <= 0) throw new IllegalArgumentException("topk and batchSize must be positive");
        return run(images, new Runner(ship(images, model), batchSize, topk), PREDICTIONS);
    }

    public static Dataset<Row> features(Dataset<Row> images, SavedModel model) {
        return features(images, model, DEFAULT_BATCH);
    }

    /** The pooled backbone features of every image (the classifier's input). */
    public static Dataset<Row> features(Dataset<Row> images, SavedModel model, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be positive");
        return run(images, new Runner(ship(images, model), batchSize, 0), FEATURES);
    }

    /**
     * Compute threads for each task of this JVM (default: the first task's {@code spark.task.cpus});
     * call it before anything starts the engine, as a driver that also runs tasks (local mode) must.
     */
    public static void threadsPerTask(int threads) { TaskThreads.use(threads); }

    /** How many models this JVM has loaded; in local mode, the one executor's count. */
    public static int modelLoads() { return ExecutorModels.loads(); }

    private static Broadcast<ModelFiles> ship(Dataset<Row> images, SavedModel model) {
        return JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext()).broadcast(ModelFiles.of(model));
    }

    private static Dataset<Row> run(Dataset<Row> images, Runner runner, StructType schema) {
        return images.select("path", "content").mapPartitions(runner, Encoders.row(schema));
    }

    /** Runs one partition in batches; topk 0 means features. */
    private record Runner(Broadcast<ModelFiles> files, int batchSize, int topk) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            TaskContext task = TaskContext.get();
            BatchInference model = ExecutorModels.get(files.value(), task == null ? 1 : Math.max(1, task.cpus()));
            return new Iterator<>() {
                private Iterator<Row> ready = List.<Row>of().iterator();

                @Override
                public boolean hasNext() {
                    while (!ready.hasNext() && input.hasNext()) ready = nextBatch().iterator();
                    return ready.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return ready.next();
                }

                private List<Row> nextBatch() {
                    List<String> paths = new ArrayList<>();
                    List<byte[]> bytes = new ArrayList<>();
                    while (paths.size() < batchSize && input.hasNext()) {
                        Row r = input.next();
                        paths.add(r.getString(0));
                        bytes.add((byte[]) r.get(1));
                    }
                    List<BatchInference.Output> out = topk > 0 ? model.logits(bytes) : model.features(bytes);
                    List<Row> rows = new ArrayList<>(paths.size());
                    for (int i = 0; i < paths.size(); i++) {
                        rows.add(topk > 0 ? predictionRow(paths.get(i), out.get(i), model.classes())
                                : featureRow(paths.get(i), out.get(i)));
                    }
                    return rows;
                }
            };
        }

        private Row predictionRow(String path, BatchInference.Output o, List<String> classes) {
            if (o.error() != null) return RowFactory.create(path, null, null, null, null, o.error());
            Scores.Top top = Scores.top(o.values(), topk, classes);
            return RowFactory.create(path, top.labels()[0], top.probabilities()[0], top.labels(), top.probabilities(), null);
        }

        private static Row featureRow(String path, BatchInference.Output o) {
            if (o.error() != null) return RowFactory.create(path, null, o.error());
            float[] f = o.values();
            Float[] boxed = new Float[f.length];
            for (int i = 0; i < f.length; i++) boxed[i] = f[i];
            return RowFactory.create(path, boxed, null);
        }
    }
}
