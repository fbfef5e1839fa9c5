package dev.graft.nn;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * Process-wide settings of the C runtime that libtorch runs on, applied once before the
 * engine loads (glibc on Linux, through JNA, which DJL already brings; elsewhere nothing).
 * Both were measured on a 2-core machine shared with other work, and both are settings a
 * user can override from the environment:
 * <ul>
 *   <li>{@code OMP_WAIT_POLICY=PASSIVE} (unless set): libtorch's OpenMP threads sleep at the
 *       end of a parallel region instead of spinning. When the cores are busy with other
 *       processes, spinning threads starve the one thread that still has work, and a
 *       MobileNet forward pass took 10-20x longer. libgomp reads the variable when it is
 *       loaded, so this must happen before the engine starts.</li>
 *   <li>{@code mallopt}: tensors up to 32 MB come from the heap and freed memory is kept,
 *       instead of a fresh {@code mmap} per activation whose pages the kernel zeroes on
 *       every step (5x fewer page faults in a forward pass). Skipped when the user set
 *       {@code MALLOC_MMAP_THRESHOLD_}.</li>
 * </ul>
 */
final class NativeTuning {
    private static final int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
    private static boolean applied;

    private NativeTuning() {}

    /**
     * Returns the C allocator's free memory to the system ({@code malloc_trim(0)}), so RSS shows
     * memory in use rather than freed memory kept for reuse (the JIT compiler's arenas, for
     * one); false where unavailable.
     */
    static boolean trim() {
        try {
            NativeLibrary.getInstance("c").getFunction("malloc_trim").invokeInt(new Object[] {0});
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    static synchronized void apply() {
        if (applied) return;
        applied = true;
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) return;
        if (Boolean.getBoolean("graft.noNativeTuning")) return;
        try {
            NativeLibrary c = NativeLibrary.getInstance("c");
            c.getFunction("setenv").invokeInt(new Object[] {"OMP_WAIT_POLICY", "PASSIVE", 0});
            if (System.getenv("MALLOC_MMAP_THRESHOLD_") == null) {
                Function mallopt = c.getFunction("mallopt");
                mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, 32 << 20});
                mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, 512 << 20});
            }
        } catch (Throwable t) {
            // not glibc, or JNA cannot load: the defaults are correct, only slower
        }
    }
}
