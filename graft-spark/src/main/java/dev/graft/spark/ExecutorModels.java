package dev.graft.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of this JVM (one Spark executor, or the whole application in local mode),
 * loaded lazily on first use and kept for the JVM's life, one per model key: every task of
 * every stage on the executor shares it, so a model is built and its weights read once per
 * executor, not per task or row. The first load also sets the compute threads from the task's
 * {@code spark.task.cpus} ({@link TaskThreads}), so concurrent tasks do not oversubscribe the cores.
 */
final class ExecutorModels {
    private static final Map<String, BatchInference> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {}

    static BatchInference get(ModelFiles files, int threadsPerTask) {
        return MODELS.computeIfAbsent(files.key(), k -> {
            TaskThreads.use(threadsPerTask);
            LOADS.incrementAndGet();
            return new BatchInference(files.materialise());
        });
    }

    /** How many models this JVM has loaded (for tests and logs). */
    static int loads() { return LOADS.get(); }
}
