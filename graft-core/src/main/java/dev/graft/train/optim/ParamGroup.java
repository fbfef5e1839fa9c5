package dev.graft.train.optim;

import dev.graft.GraftException;
import dev.graft.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of an optimizer's {@code param_groups}: named parameters and their own
 * hyper-parameters ({@code lr}, {@code momentum}, {@code weight_decay}, {@code beta1}, ...).
 * Options left unset take the optimizer's defaults. Parameters are kept by their state-dict
 * name, so optimizer state saved in one process can be restored in another.
 */
public final class ParamGroup {
    private final LinkedHashMap<String, Parameter> params;
    private final TreeMap<String, Double> options = new TreeMap<>();

    public ParamGroup(Map<String, Parameter> params) {
        this.params = new LinkedHashMap<>(params);
    }

    /** A group with its own learning rate. */
    public static ParamGroup of(Map<String, Parameter> params, double lr) {
        return new ParamGroup(params).set("lr", lr);
    }

    public Map<String, Parameter> params() { return java.util.Collections.unmodifiableMap(params); }

    public ParamGroup set(String option, double value) {
        options.put(option, value);
        return this;
    }

    public boolean has(String option) { return options.containsKey(option); }

    public double get(String option) {
        Double v = options.get(option);
        if (v == null) throw new GraftException("parameter group has no option '" + option + "'");
        return v;
    }

    public double lr() { return get("lr"); }

    public void setLr(double lr) { set("lr", lr); }

    /** All options, for saving. */
    public Map<String, Double> options() { return java.util.Collections.unmodifiableMap(options); }

    void defaults(Map<String, Double> defaults) {
        defaults.forEach(options::putIfAbsent);
    }
}
