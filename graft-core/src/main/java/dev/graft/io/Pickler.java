package dev.graft.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the pickle of a {@code torch.save} zip archive (protocol 2, as torch uses): Java maps
 * become dicts (OrderedDict when asked), lists become lists, numbers, strings, booleans and
 * null their Python counterparts, and each {@link TensorData} a call to
 * {@code torch._utils._rebuild_tensor_v2} on a storage named by a persistent id. The
 * storages themselves are collected in {@link #storages()} for the archive's {@code data/}.
 */
final class Pickler {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> globals = new HashMap<>();
    private final IdentityHashMap<TensorData, String> storageKeys = new IdentityHashMap<>();
    private final List<TensorData> storages = new ArrayList<>();
    private int memoSize;

    /** The pickle of {@code obj}; maps at the top level become OrderedDicts if {@code ordered}. */
    byte[] pickle(Object obj, boolean topLevelOrdered) {
        out.write(0x80);
        out.write(2);
        if (topLevelOrdered && obj instanceof Map<?, ?> m) {
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');
            items(m);
        } else {
            value(obj);
        }
        out.write('.');
        return out.toByteArray();
    }

    /** Tensors in storage-key order: storage {@code i} is the i-th element. */
    List<TensorData> storages() { return storages; }

    private void value(Object o) {
        if (o == null) out.write('N');
        else if (o instanceof Boolean b) out.write(b ? 0x88 : 0x89);
        else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) integer(((Number) o).longValue());
        else if (o instanceof Double || o instanceof Float) {
            out.write('G');
            out.writeBytes(ByteBuffer.allocate(8).putDouble(((Number) o).doubleValue()).array());
        } else if (o instanceof String s) string(s);
        else if (o instanceof TensorData t) tensor(t);
        else if (o instanceof Map<?, ?> m) {
            out.write('}');
            items(m);
        } else if (o instanceof List<?> l) {
            out.write(']');
            if (!l.isEmpty()) {
                out.write('(');
                for (Object x : l) value(x);
                out.write('e');
            }
        } else {
            throw new IllegalArgumentException("cannot pickle a " + o.getClass().getName()
                    + " (only String, Long, Double, Boolean, List, Map, TensorData)");
        }
    }

    private void items(Map<?, ?> m) {
        if (m.isEmpty()) return;
        out.write('(');
        for (Map.Entry<?, ?> e : m.entrySet()) {
            value(e.getKey());
            value(e.getValue());
        }
        out.write('u');
    }

    private void tensor(TensorData t) {
        global("torch._utils", "_rebuild_tensor_v2");
        out.write('(');
        // persistent id: ('storage', torch.FloatStorage, key, 'cpu', numel)
        out.write('(');
        string("storage");
        global("torch", t.dtype().torchStorage());
        string(storageKey(t));
        string("cpu");
        integer(t.numel());
        out.write('t');
        out.write('Q');
        integer(0); // storage_offset
        tuple(t.shape());
        tuple(rowMajorStrides(t.shape()));
        out.write(0x89); // requires_grad
        global("collections", "OrderedDict"); // backward_hooks
        out.write(')');
        out.write('R');
        out.write('t');
        out.write('R');
    }

    private String storageKey(TensorData t) {
        return storageKeys.computeIfAbsent(t, k -> {
            storages.add(k);
            return String.valueOf(storages.size() - 1);
        });
    }

    static long[] rowMajorStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    private void tuple(long[] v) {
        if (v.length == 0) {
            out.write(')');
            return;
        }
        if (v.length > 3) out.write('(');
        for (long x : v) integer(x);
        out.write(switch (v.length) { case 1 -> 0x85; case 2 -> 0x86; case 3 -> 0x87; default -> 't'; });
    }

    private void integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v < 65536) {
            out.write('M');
            out.write((int) v & 0xff);
            out.write((int) (v >> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            le(v, 4);
        } else {
            out.write(0x8a);
            out.write(8);
            le(v, 8);
        }
    }

    private void le(long v, int n) {
        for (int i = 0; i < n; i++) out.write((int) (v >> (8 * i)) & 0xff);
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        le(b.length, 4);
        out.writeBytes(b);
    }

    /** Globals are memoized like Python's pickler does, so repeated tensors cost two bytes each. */
    private void global(String module, String name) {
        Integer memo = globals.get(module + " " + name);
        if (memo != null) {
            get(memo);
            return;
        }
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        int idx = memoSize++;
        globals.put(module + " " + name, idx);
        if (idx < 256) {
            out.write('q');
            out.write(idx);
        } else {
            out.write('r');
            le(idx, 4);
        }
    }

    private void get(int idx) {
        if (idx < 256) {
            out.write('h');
            out.write(idx);
        } else {
            out.write('j');
            le(idx, 4);
        }
    }
}
