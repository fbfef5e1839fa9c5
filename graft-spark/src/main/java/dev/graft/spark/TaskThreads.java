package dev.graft.spark;

import dev.graft.nn.Engine;

/**
 * Compute threads per Spark task ({@code spark.task.cpus}): the engine's intra-op thread
 * count, set once per JVM before the engine starts. libtorch applies it to every thread that
 * runs an operation, Spark's task threads included (checked: a forward pass on a new thread
 * starts no OpenMP threads of its own), so an executor running N tasks at once uses N x
 * spark.task.cpus cores. Once the engine runs, its thread count stays.
 */
final class TaskThreads {
    private TaskThreads() {}

    static synchronized void use(int threads) {
        try {
            Engine.setThreads(threads);
        } catch (IllegalStateException started) {
            // the engine already runs in this JVM (local mode after the driver used it): keep its threads
        }
    }
}
