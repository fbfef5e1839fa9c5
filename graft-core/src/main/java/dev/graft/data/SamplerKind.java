package dev.graft.data;

/**
 * How a training loader picks its samples (the {@code --sampler} option). {@code SHUFFLE}:
 * every image once per epoch in a seeded random order (the default, torch's {@code shuffle=True}).
 * {@code BALANCED}: {@link BalancedSampler}, every class equally often on average.
 */
public enum SamplerKind {
    SHUFFLE, BALANCED;

    /** The sampler of this kind over {@code data}; null for {@code SHUFFLE} (the loader's own shuffle). */
    public Sampler create(Dataset data, long seed) {
        return this == BALANCED ? new BalancedSampler(data.classCounts(), data::label, data.size(), seed) : null;
    }
}
