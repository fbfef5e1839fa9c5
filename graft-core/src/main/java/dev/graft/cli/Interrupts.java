package dev.graft.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ctrl-C during long work: the JVM's shutdown hook asks the work to stop after its current
 * step and waits for it to finish cleanly (the last checkpoint stays intact), instead of the
 * process dying mid-write.
 */
final class Interrupts {
    private Interrupts() {}

    static <T> T run(Runnable interrupt, Supplier<T> work) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            Console.info("\ninterrupted: stopping after this step; the last checkpoint is kept.");
            interrupt.run();
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.get();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running and waits for us
            }
        }
    }
}
