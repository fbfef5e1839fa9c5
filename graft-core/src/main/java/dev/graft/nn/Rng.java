package dev.graft.nn;

import java.util.SplittableRandom;

/**
 * The random source for weight initialisation and dropout, like {@code torch.manual_seed}.
 * Graft draws randomness in Java rather than in libtorch so that a training step's random
 * numbers depend only on (seed, epoch, step) and a resumed run repeats them exactly.
 */
public final class Rng {
    private static final ThreadLocal<SplittableRandom> CURRENT =
            ThreadLocal.withInitial(() -> new SplittableRandom(0));

    private Rng() {}

    public static void manualSeed(long seed) { CURRENT.set(new SplittableRandom(seed)); }

    public static SplittableRandom get() { return CURRENT.get(); }

    /** Mixes numbers into one seed (SplitMix64 finaliser), for per-step and per-sample seeds. */
    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h ^= p + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
            h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
        }
        return h;
    }
}
