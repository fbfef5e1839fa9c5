package dev.graft.data;

import dev.graft.GraftException;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * A class-balanced sampler, like torch's {@code WeightedRandomSampler(weights, num_samples=len(dataset),
 * replacement=True)} with each sample weighted {@code 1 / n_c} of its class: every draw picks
 * one of the classes that have samples with equal probability, then one of that class's samples
 * uniformly, which is the same distribution. An epoch has as many draws as the dataset has
 * samples, so rare images repeat and common ones are left out; the draws are seeded by
 * (seed, epoch). Classes without samples are never drawn.
 */
public final class BalancedSampler implements Sampler {
    private final int[][] byClass;
    private final int size;
    private final long seed;

    /** {@code counts[c]} samples of class c; {@code label} gives the class of each of {@code size} samples. */
    public BalancedSampler(int[] counts, IntUnaryOperator label, int size, long seed) {
        int present = 0;
        for (int c : counts) if (c > 0) present++;
        if (present == 0) throw new GraftException("the balanced sampler needs at least one image.");
        byClass = new int[present][];
        int[] slot = new int[counts.length], filled = new int[present];
        for (int c = 0, k = 0; c < counts.length; c++) {
            slot[c] = counts[c] > 0 ? k : -1;
            if (counts[c] > 0) byClass[k++] = new int[counts[c]];
        }
        for (int i = 0; i < size; i++) {
            int k = slot[label.applyAsInt(i)];
            byClass[k][filled[k]++] = i;
        }
        this.size = size;
        this.seed = seed;
    }

    @Override
    public int[] order(int epoch) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 0x5A3);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            int[] members = byClass[rng.nextInt(byClass.length)];
            out[i] = members[rng.nextInt(members.length)];
        }
        return out;
    }
}
