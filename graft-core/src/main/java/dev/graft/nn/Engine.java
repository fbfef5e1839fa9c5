package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;

/**
 * The one place that starts the tensor engine (DJL's PyTorch engine on the bundled CPU
 * libtorch, offline) and sets its thread count. Everything that needs arrays asks here for
 * a manager, so nothing is ever downloaded and the threads are set before the first op;
 * code outside {@code nn} and the training tensor code ({@code train.loss}, {@code train.optim},
 * the fit step) reaches the engine only through here: {@link #forward} runs a batch of plain
 * floats through a model and hands back plain floats.
 */
public final class Engine {
    private static volatile NDManager root;
    private static int threads = Runtime.getRuntime().availableProcessors();

    private Engine() {}

    /**
     * Sets the intra-op thread count; must be called before the engine starts.
     * Zero or negative means all cores.
     */
    public static synchronized void setThreads(int n) {
        if (root != null) {
            if (n > 0 && n != threads) {
                throw new IllegalStateException("the engine has started with " + threads + " threads");
            }
            return;
        }
        threads = n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    public static int threads() { return threads; }

    /** "2 compute threads (all cores)": what a run header says about {@link #threads()}. */
    public static String describeThreads() {
        int n = threads();
        return n + " compute thread" + (n == 1 ? "" : "s") + (n == Runtime.getRuntime().availableProcessors() ? " (all cores)" : "");
    }

    /** The root manager; long-lived arrays (parameters, buffers) belong to it. */
    public static NDManager root() {
        NDManager r = root;
        if (r == null) {
            synchronized (Engine.class) {
                if (root == null) {
                    NativeTuning.apply();
                    System.setProperty("ai.djl.offline", "true");
                    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
                    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
                    System.setProperty("ai.djl.default_engine", "PyTorch");
                    root = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
                }
                r = root;
            }
        }
        return r;
    }

    /** A new scope for short-lived arrays: close it at the end of a step or batch. */
    public static NDManager newScope() { return root().newSubManager(); }

    /** A float32 array of {@code shape} holding {@code values} (row-major), owned by {@code scope}. */
    public static NDArray array(NDManager scope, float[] values, long[] shape) {
        return scope.create(values, new Shape(shape));
    }

    /** The outputs of {@link #forward}: row-major values and their shape. */
    public record Output(float[] values, long[] shape) {}

    /**
     * Runs {@code f} on the float32 array {@code x} of {@code shape} in a scope of its own and
     * returns the result's values; nothing of the engine outlives the call.
     */
    public static Output forward(UnaryOperator<NDArray> f, float[] x, long[] shape) {
        try (NDManager scope = newScope()) {
            NDArray y = f.apply(array(scope, x, shape));
            return new Output(y.toFloatArray(), y.getShape().getShape());
        }
    }

    /** Records the operations run until it is closed, for a backward pass (autograd). */
    public static GradientCollector gradients() {
        root();
        return ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector();
    }

    /** The intra-op thread count libtorch actually runs (starts the engine). */
    public static int nativeThreads() {
        root();
        return JniUtils.getNumThreads();
    }

    /**
     * Gives the C allocator's free memory back to the system, so resident memory shows what is
     * in use (the allocator keeps freed memory for reuse otherwise); false where unsupported.
     */
    public static boolean releaseFreeMemory() { return NativeTuning.trim(); }

    /** Version of the native library, for provenance. */
    public static String version() {
        root();
        return "DJL " + ai.djl.engine.Engine.getDjlVersion() + ", PyTorch "
                + ai.djl.engine.Engine.getEngine("PyTorch").getVersion();
    }
}
