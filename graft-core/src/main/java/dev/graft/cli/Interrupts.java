package dev.graft.cli;

import dev.graft.GraftException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Ctrl-C during long work: the JVM's shutdown hook asks the work to stop after its current
 * step and waits for it to finish cleanly (the last checkpoint, if any, stays intact, the best model so
 * far and its report are written, the closing lines are printed), instead of the process dying
 * mid-write. Everything the command still has to say belongs inside {@code work}: the JVM exits
 * as soon as it returns, so a failure after a Ctrl-C (the LR finder stopped before training) is
 * printed here, not by the caller.
 */
final class Interrupts {
    /** How long a Ctrl-C waits for the work to wind down (writing a model and report can take a while). */
    static final long WAIT_MINUTES = 10;

    private Interrupts() {}

    /** The work failed after a Ctrl-C and its sentence is printed already; the exit code is 130. */
    static final class Said extends RuntimeException {
        Said(Throwable cause) { super(cause.getMessage(), cause); }
    }

    /** Runs {@code work}; a Ctrl-C runs {@code interrupt} and says what a kill -9 would leave ({@code left}). */
    static <T> T run(Runnable interrupt, Supplier<String> left, Supplier<T> work) {
        // what runs after a Ctrl-C may not register shutdown hooks, and ImageIO's file cache
        // does on first use (the report's PNGs): encode in memory instead
        javax.imageio.ImageIO.setUseCache(false);
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            Console.info("\ninterrupted: stopping after this step (kill -9 to stop at once; " + left.get() + ").");
            interrupt.run();
            try {
                done.await(WAIT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.get();
        } catch (GraftException e) {
            if (!stopping.get()) throw e;
            Console.error(e.getMessage()); // now: the JVM exits as soon as the work is done
            throw new Said(e);
        } finally {
            System.out.flush();
            System.err.flush();
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running and waits for us
            }
        }
    }
}
