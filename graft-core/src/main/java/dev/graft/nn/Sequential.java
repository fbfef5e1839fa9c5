package dev.graft.nn;

import ai.djl.ndarray.NDArray;

/** {@code nn.Sequential}: children named "0", "1", ... run in order. */
public class Sequential extends Module {
    private int size;

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    public Sequential add(Module m) {
        register(Integer.toString(size++), m);
        return this;
    }

    public int size() { return size; }

    @Override
    public NDArray forward(NDArray x) {
        for (Module m : children().values()) x = run(m, x);
        return x;
    }
}
