package dev.graft.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.io.TensorData;
import dev.graft.nn.Engine;
import dev.graft.nn.Parameter;
import dev.graft.nn.ScriptOps;
import dev.graft.nn.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The base of Graft's optimizers, {@code torch.optim.Optimizer}: parameter groups with their
 * own options, per-parameter state kept by parameter name, {@link #step()} applying the
 * update rule to every trainable parameter that has a gradient (frozen ones, like PyTorch's
 * {@code requires_grad=False}, are skipped), and a state dict that restores exactly in a new
 * process. Updates run in place on the parameters outside any gradient recording; their
 * temporaries live in one scope per step, so nothing accumulates. The state arrays (momentum
 * buffers, Adam's moments: as large as the parameters, or twice) belong to the engine's root
 * manager until {@link #close()}: close an optimizer once its training is over.
 */
public abstract class Optimizer implements AutoCloseable {
    /**
     * State arrays take their parameter's memory layout, as PyTorch's {@code zeros_like} and
     * loaded state do: a momentum of a channels-last convolution weight laid out otherwise
     * makes every element-wise update of it a slow strided loop.
     */
    private static final ScriptOps.Function ZEROS_LIKE = new ScriptOps.Function("zeros_like", "like: Tensor",
            "List[Tensor]", "return [torch.zeros_like(like)]");
    private static final ScriptOps.Function COPY_LIKE = new ScriptOps.Function("copy_like",
            "x: Tensor, like: Tensor", "List[Tensor]", "return [torch.empty_like(like).copy_(x)]");

    protected final List<ParamGroup> groups;
    /** Per-parameter state arrays (owned by the engine's root manager), by parameter name. */
    private final Map<String, Map<String, NDArray>> state = new HashMap<>();
    /** Per-parameter step counts (PyTorch keeps them per parameter too). */
    private final Map<String, Long> steps = new HashMap<>();
    private boolean closed;

    protected Optimizer(List<ParamGroup> groups, Map<String, Double> defaults) {
        if (groups.isEmpty()) throw new GraftException("an optimizer needs at least one parameter group");
        this.groups = List.copyOf(groups);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ParamGroup g : groups) {
            g.defaults(defaults);
            for (String name : g.params().keySet()) {
                if (!seen.add(name)) throw new GraftException("parameter '" + name + "' is in two parameter groups");
            }
        }
    }

    /** One group holding every parameter of a model (frozen ones are skipped at each step). */
    public static List<ParamGroup> single(Map<String, Parameter> params) {
        return List.of(new ParamGroup(params));
    }

    public List<ParamGroup> groups() { return groups; }

    /** Updates every trainable parameter that has a gradient. */
    public void step() {
        if (closed) throw new IllegalStateException("the optimizer is closed");
        try (NDManager scope = Engine.newScope()) {
            for (ParamGroup g : groups) {
                List<String> names = new ArrayList<>();
                List<NDArray> params = new ArrayList<>(), grads = new ArrayList<>();
                for (var e : g.params().entrySet()) {
                    Parameter p = e.getValue();
                    if (!p.trainable()) continue;
                    NDArray grad = p.gradient();
                    if (grad == null) continue;
                    grad.attach(scope);
                    names.add(e.getKey());
                    params.add(view(p.array(), scope));
                    grads.add(grad);
                }
                if (!names.isEmpty()) update(g, names, params, grads, scope);
            }
        }
    }

    /** Zeroes every gradient ({@code set_to_none=False}, PyTorch 1.13's default). */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Parameter p : g.params().values()) p.zeroGrad();
    }

    /**
     * Applies the update rule to the parameters of one group that have a gradient, in the
     * group's order. {@code params} are views sharing the parameters' storage (update them in
     * place); {@code grads} and any temporary belong to {@code scope}.
     */
    protected abstract void update(ParamGroup group, List<String> names, List<NDArray> params, List<NDArray> grads,
                                   NDManager scope);

    /** Increments and returns the parameter's step count. */
    protected long nextStep(String name) { return steps.merge(name, 1L, Long::sum); }

    /** The parameter's state array (the optimizer's own; update it in place), or null when not created yet. */
    protected NDArray state(String name, String key) {
        return state.getOrDefault(name, Map.of()).get(key);
    }

    /** Keeps {@code value} as the parameter's state from now on (the optimizer takes it over). */
    protected void putState(String name, String key, NDArray value) {
        value.attach(Engine.root());
        NDArray old = state.computeIfAbsent(name, k -> new HashMap<>()).put(key, value);
        if (old != null && old != value) old.close();
    }

    /** The parameter's state array, created as zeros like the parameter {@code like} when missing. */
    protected NDArray zerosState(String name, String key, NDArray like) {
        NDArray a = state(name, key);
        if (a == null) putState(name, key, a = ZEROS_LIKE.call(Engine.root(), like).get(0));
        return a;
    }

    /** A handle on the same storage that belongs to {@code scope} and records no gradient. */
    private static NDArray view(NDArray a, NDManager scope) {
        NDArray v = a.stopGradient();
        v.attach(scope);
        return v;
    }

    // ---- state dict ---------------------------------------------------------------------

    public OptimizerState stateDict() {
        Map<String, TensorData> tensors = new TreeMap<>();
        state.forEach((name, m) -> m.forEach((k, a) -> tensors.put(name + "." + k, Tensors.toData(a))));
        List<Object> gs = new ArrayList<>();
        for (ParamGroup g : groups) {
            Map<String, Object> o = new LinkedHashMap<>(g.options());
            o.put("params", new ArrayList<>(g.params().keySet()));
            gs.add(o);
        }
        Map<String, Object> scalars = new LinkedHashMap<>();
        scalars.put("type", getClass().getSimpleName());
        scalars.put("param_groups", gs);
        scalars.put("step", new TreeMap<>(steps));
        return new OptimizerState(tensors, scalars);
    }

    /**
     * Restores options, step counts and per-parameter state saved by {@link #stateDict()}.
     * Groups must match in number and parameter names, as in {@code load_state_dict}.
     */
    @SuppressWarnings("unchecked")
    public void loadStateDict(OptimizerState saved) {
        Object type = saved.scalars().get("type");
        if (type != null && !type.equals(getClass().getSimpleName())) {
            throw new GraftException("the optimizer state is for " + type + ", not " + getClass().getSimpleName());
        }
        List<Object> gs = (List<Object>) saved.scalars().get("param_groups");
        if (gs == null || gs.size() != groups.size()) {
            throw new GraftException("the optimizer state has " + (gs == null ? 0 : gs.size())
                    + " parameter groups, this optimizer has " + groups.size());
        }
        for (int i = 0; i < gs.size(); i++) {
            Map<String, Object> o = (Map<String, Object>) gs.get(i);
            List<Object> names = (List<Object>) o.get("params");
            if (!new ArrayList<>(groups.get(i).params().keySet()).equals(names)) {
                throw new GraftException("parameter group " + i + " of the optimizer state holds other parameters");
            }
            for (var e : o.entrySet()) {
                if (e.getValue() instanceof Number n) groups.get(i).set(e.getKey(), n.doubleValue());
            }
        }
        releaseState();
        steps.clear();
        Map<String, Object> st = (Map<String, Object>) saved.scalars().getOrDefault("step", Map.of());
        st.forEach((k, v) -> steps.put(k, ((Number) v).longValue()));
        Map<String, Parameter> params = new HashMap<>();
        for (ParamGroup g : groups) params.putAll(g.params());
        for (var e : saved.tensors().entrySet()) {
            String key = e.getKey();
            String name = owner(key, params.keySet());
            NDArray value = Tensors.fromData(e.getValue(), Engine.root());
            NDArray param = params.get(name).array();
            if (value.getShape().equals(param.getShape())) {
                try (NDArray loaded = value) {
                    value = COPY_LIKE.call(Engine.root(), loaded, param).get(0);
                }
            }
            state.computeIfAbsent(name, k -> new HashMap<>()).put(key.substring(name.length() + 1), value);
        }
    }

    /** Frees the state arrays; the optimizer takes no more steps. Closing twice does nothing. */
    @Override
    public void close() {
        closed = true;
        releaseState();
    }

    private void releaseState() {
        for (Map<String, NDArray> m : state.values()) m.values().forEach(NDArray::close);
        state.clear();
    }

    private static String owner(String key, java.util.Set<String> names) {
        for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
            if (names.contains(key.substring(0, dot))) return key.substring(0, dot);
        }
        throw new GraftException("optimizer state entry '" + key + "' belongs to no parameter of this optimizer");
    }
}
