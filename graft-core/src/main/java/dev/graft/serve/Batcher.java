package dev.graft.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micro-batching for one model: requests put their preprocessed images in a bounded queue,
 * and one worker thread takes what has arrived into a single forward pass of up to
 * {@code maxBatch} images. After the first it waits for more at most {@code maxWaitMs}, and
 * only while other requests are still being decoded ({@link #arriving}), so a lone request
 * never waits for company that is not coming. A full queue refuses
 * at once ({@link #submit} returns null) so the server can answer 503 instead of piling up
 * work; {@link #close} runs what is queued and then stops the worker.
 */
final class Batcher implements AutoCloseable {
    /** {@code n} images packed as {@code [n, 3, size, size]}; completed with one logits row each. */
    static final class Job {
        final float[] input;
        final int n;
        final CompletableFuture<float[][]> result = new CompletableFuture<>();

        Job(float[] input, int n) {
            this.input = input;
            this.n = n;
        }
    }

    private final ModelSlot slot;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private final AtomicLong batches = new AtomicLong(), images = new AtomicLong();
    /** Requests of this model being read and decoded, not yet queued. */
    final java.util.concurrent.atomic.AtomicInteger arriving = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;
    /** When set, the worker waits for it before each forward pass (tests hold a batch in flight with it). */
    volatile java.util.concurrent.CountDownLatch gate;
    volatile boolean atGate;
    private Job carried;

    Batcher(ModelSlot slot, int maxBatch, int maxWaitMs, int maxQueue) {
        this.slot = slot;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.queue = new ArrayBlockingQueue<>(maxQueue);
        this.worker = new Thread(this::loop, "graft-batcher-" + slot.name());
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues {@code n} images; null when the queue is full or the batcher is closing. */
    Job submit(float[] input, int n) {
        Job job = new Job(input, n);
        return running && queue.offer(job) ? job : null;
    }

    /** Requests waiting in the queue (not yet taken into a batch). */
    int queued() { return queue.size(); }

    /** Forward passes run so far, and the images they held (their ratio is the mean batch size). */
    long batches() { return batches.get(); }

    long images() { return images.get(); }

    private void loop() {
        while (running || carried != null || !queue.isEmpty()) {
            try {
                List<Job> jobs = collect();
                java.util.concurrent.CountDownLatch g = gate;
                if (!jobs.isEmpty() && g != null) {
                    atGate = true;
                    g.await();
                    atGate = false;
                }
                if (!jobs.isEmpty()) run(jobs);
            } catch (InterruptedException e) {
                if (!running) continue;
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<Job> collect() throws InterruptedException {
        List<Job> jobs = new ArrayList<>();
        Job first = carried != null ? carried : queue.poll(50, TimeUnit.MILLISECONDS);
        carried = null;
        if (first == null) return jobs;
        jobs.add(first);
        int rows = first.n;
        long deadline = System.nanoTime() + maxWaitNanos;
        while (rows < maxBatch) {
            long left = deadline - System.nanoTime();
            Job next = queue.poll();
            if (next == null && left > 0 && arriving.get() > 0) {
                next = queue.poll(Math.min(left, 200_000), TimeUnit.NANOSECONDS); // then look at arriving again
                if (next == null) continue;
            }
            if (next == null) break;
            if (rows + next.n > maxBatch) {
                carried = next;
                break;
            }
            jobs.add(next);
            rows += next.n;
        }
        jobs.removeIf(j -> j.result.isDone()); // timed out while queued: nobody waits for it
        return jobs;
    }

    private void run(List<Job> jobs) {
        int rows = 0;
        for (Job j : jobs) rows += j.n;
        int per = 3 * slot.size() * slot.size();
        float[] batch = jobs.size() == 1 ? jobs.get(0).input : new float[rows * per];
        if (jobs.size() > 1) {
            int at = 0;
            for (Job j : jobs) {
                System.arraycopy(j.input, 0, batch, at, j.n * per);
                at += j.n * per;
            }
        }
        try {
            float[][] logits = slot.forward(batch, rows);
            int at = 0;
            for (Job j : jobs) {
                float[][] mine = new float[j.n][];
                System.arraycopy(logits, at, mine, 0, j.n);
                at += j.n;
                j.result.complete(mine);
            }
            batches.incrementAndGet();
            images.addAndGet(rows);
        } catch (RuntimeException | Error e) {
            jobs.forEach(j -> j.result.completeExceptionally(e));
        }
    }

    /** Runs what is already queued, then stops the worker (waiting at most 30 s). */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
