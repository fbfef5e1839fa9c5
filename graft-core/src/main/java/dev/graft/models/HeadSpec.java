package dev.graft.models;

import dev.graft.nn.Dropout;
import dev.graft.nn.Linear;
import dev.graft.nn.LogSoftmax;
import dev.graft.nn.Module;
import dev.graft.nn.ReLU;
import dev.graft.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The classifier put on a backbone: a single {@code Linear(in, classes)} (the default), or
 * hidden layers with ReLU and dropout, optionally ending in LogSoftmax for NLL loss, like
 * the seeds' {@code Linear(1024,500) - ReLU - Linear(500,2) - LogSoftmax}. Saved in
 * {@code model.json} so the same head can be rebuilt to load the weights.
 */
public record HeadSpec(List<Integer> hidden, double dropout, boolean logSoftmax) {
    public static final HeadSpec LINEAR = new HeadSpec(List.of(), 0, false);

    public HeadSpec {
        hidden = List.copyOf(hidden);
    }

    public boolean isLinear() { return hidden.isEmpty() && dropout == 0 && !logSoftmax; }

    /** Parses "linear" or "mlp:500,200[:dropout=0.2][:logsoftmax]". */
    public static HeadSpec parse(String text) {
        if (text == null || text.isBlank() || text.equals("linear")) return LINEAR;
        String[] parts = text.split(":");
        if (!parts[0].equals("mlp") || parts.length < 2) {
            throw new dev.graft.GraftException("--head must be 'linear' or like 'mlp:500[:dropout=0.2][:logsoftmax]', not '"
                    + text + "'.");
        }
        List<Integer> hidden = new ArrayList<>();
        for (String h : parts[1].split(",")) hidden.add(Integer.parseInt(h.trim()));
        double dropout = 0;
        boolean logSoftmax = false;
        for (int i = 2; i < parts.length; i++) {
            if (parts[i].startsWith("dropout=")) dropout = Double.parseDouble(parts[i].substring(8));
            else if (parts[i].equals("logsoftmax")) logSoftmax = true;
            else throw new dev.graft.GraftException("unknown head option '" + parts[i] + "' in --head " + text + ".");
        }
        return new HeadSpec(hidden, dropout, logSoftmax);
    }

    @Override
    public String toString() {
        if (isLinear()) return "linear";
        StringBuilder b = new StringBuilder("mlp:");
        for (int i = 0; i < hidden.size(); i++) b.append(i > 0 ? "," : "").append(hidden.get(i));
        if (dropout > 0) b.append(":dropout=").append(dropout);
        if (logSoftmax) b.append(":logsoftmax");
        return b.toString();
    }

    public Module build(int inFeatures, int classes) {
        if (isLinear()) return new Linear(inFeatures, classes);
        Sequential s = new Sequential();
        int in = inFeatures;
        for (int h : hidden) {
            s.add(new Linear(in, h)).add(new ReLU());
            if (dropout > 0) s.add(new Dropout(dropout));
            in = h;
        }
        s.add(new Linear(in, classes));
        if (logSoftmax) s.add(new LogSoftmax());
        return s;
    }
}
