package dev.graft.io;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A minimal, safe reader for the Python pickles that {@code torch.save} writes (protocol 2,
 * plus the few protocol 4 opcodes that cost nothing). It builds plain Java values: Long,
 * BigInteger, Double, String, Boolean, null, byte[], {@link List} (lists and tuples) and
 * {@link LinkedHashMap} (dict and OrderedDict). Nothing in the file is ever executed:
 * globals are only names, and the few that state dicts need (tensor rebuilders, storage
 * types, OrderedDict) are interpreted here. Any other global becomes an {@link Unsupported}
 * placeholder, so a checkpoint with an exotic extra entry still yields its state dict, and
 * code that needs the exotic value reports the global by name.
 */
final class Unpickler {

    /** A reference to a module attribute, e.g. {@code torch FloatStorage}; never resolved to code. */
    record Global(String module, String name) {
        String qualified() { return module + "." + name; }
    }

    /** The result of calling a global this reader does not support. */
    record Unsupported(String global) {}

    /** A tensor view of a storage, as {@code torch._utils._rebuild_tensor_v2} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /**
     * A storage named by a persistent id: key, element type and element count of the stored
     * (root) storage, and the window of it this reference sees (old files have storage views).
     */
    record StorageRef(String key, DType dtype, long numel, long viewOffset, long viewNumel) {
        StorageRef(String key, DType dtype, long numel) { this(key, dtype, numel, 0, numel); }
    }

    /** Thrown for any malformed pickle; the caller adds the file name. */
    static final class PickleException extends Exception {
        PickleException(String m) { super(m); }
    }

    private static final Object MARK = new Object();

    private final InputStream in;
    private long remaining;
    private long position;
    private final Function<List<Object>, Object> persistentLoad;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    /**
     * @param limit bytes the stream can hold at most; lengths in the pickle beyond it are
     *              rejected before anything is allocated
     * @param persistentLoad maps a persistent id (a tuple) to the object it stands for
     */
    Unpickler(InputStream in, long limit, Function<List<Object>, Object> persistentLoad) {
        this.in = in;
        this.remaining = limit;
        this.persistentLoad = persistentLoad;
    }

    /** Reads one pickle, up to and including its STOP opcode. */
    Object load() throws IOException, PickleException {
        stack.clear();
        marks.clear();
        memo.clear();
        while (true) {
            long at = position;
            int op = readByte();
            switch (op) {
                case 0x80 -> readByte(); // PROTO: any protocol whose opcodes we know is fine
                case 0x95 -> readBytes(8); // FRAME: framing is irrelevant when reading sequentially
                case '.' -> {
                    if (stack.size() != 1 || !marks.isEmpty()) throw new PickleException("pickle ends with an unbalanced stack");
                    return stack.get(0);
                }
                case '(' -> { marks.add(stack.size()); stack.add(MARK); }
                case ')' -> push(Collections.emptyList());
                case ']' -> push(new ArrayList<>());
                case '}' -> push(new LinkedHashMap<>());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) readByte());
                case 'M' -> push((long) (readByte() | readByte() << 8));
                case 'J' -> push((long) readIntLE());
                case 0x8a -> push(readLong(readByte()));
                case 0x8b -> push(readLong(checkLength(readIntLE())));
                case 'G' -> push(ByteBuffer.wrap(readBytes(8)).getDouble()); // big-endian, unlike the rest
                case 'X' -> push(utf8(readBytes(checkLength(readIntLE()))));
                case 0x8c -> push(utf8(readBytes(readByte())));
                case 0x8d -> push(utf8(readBytes(checkLength(readLongLE()))));
                case 'T' -> push(latin1(readBytes(checkLength(readIntLE()))));
                case 'U' -> push(latin1(readBytes(readByte())));
                case 'B' -> push(readBytes(checkLength(readIntLE())));
                case 'C' -> push(readBytes(readByte()));
                case 't' -> push(tupleOf(popMark()));
                case 0x85 -> push(tupleOf(popN(1)));
                case 0x86 -> push(tupleOf(popN(2)));
                case 0x87 -> push(tupleOf(popN(3)));
                case 'a' -> { Object v = pop(); appendable(top()).add(v); }
                case 'e' -> { List<Object> items = popMark(); appendable(top()).addAll(items); }
                case 's' -> { Object v = pop(); Object k = pop(); dictAt(top()).put(key(k), v); }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> d = dictAt(top());
                    for (int i = 0; i + 1 < items.size(); i += 2) d.put(key(items.get(i)), items.get(i + 1));
                }
                case 'c' -> push(new Global(readLine(), readLine()));
                case 0x93 -> { Object name = pop(); Object module = pop(); push(new Global(str(module), str(name))); }
                case 'R', 0x81 -> { Object args = pop(); Object callable = pop(); push(call(callable, args)); }
                case 'Q' -> push(persistentLoad.apply(listAt(pop())));
                case 'b' -> build(pop(), top());
                case 'q' -> memo.put((long) readByte(), top());
                case 'r' -> memo.put(readIntLE() & 0xffffffffL, top());
                case 'p' -> memo.put(parseLong(readLine()), top());
                case 0x94 -> memo.put((long) memo.size(), top());
                case 'h' -> push(memoGet(readByte()));
                case 'j' -> push(memoGet(readIntLE() & 0xffffffffL));
                case 'g' -> push(memoGet(parseLong(readLine())));
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(top());
                default -> throw new PickleException(String.format("unsupported pickle opcode 0x%02x at byte %d", op, at));
            }
        }
    }

    /** Interprets the few callables a state dict uses; everything else stays a named placeholder. */
    private Object call(Object callable, Object argsObj) throws PickleException {
        if (!(callable instanceof Global g)) {
            if (callable instanceof Unsupported u) return u;
            throw new PickleException("pickle calls a non-global " + describe(callable));
        }
        List<Object> args = listAt(argsObj);
        switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                LinkedHashMap<Object, Object> d = new LinkedHashMap<>();
                if (!args.isEmpty() && args.get(0) instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        List<Object> pair = listAt(p);
                        if (pair.size() != 2) throw new PickleException("pickle builds an OrderedDict from a non-pair");
                        d.put(key(pair.get(0)), pair.get(1));
                    }
                }
                return d;
            }
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                if (args.size() < 4 || !(args.get(0) instanceof StorageRef s)) {
                    throw new PickleException(g.qualified() + " called without a storage");
                }
                return new TensorRef(s, asLong(args.get(1)), longs(args.get(2)), longs(args.get(3)));
            }
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                if (args.isEmpty()) throw new PickleException(g.qualified() + " called without a tensor");
                return args.get(0); // a Parameter is just its tensor in a state dict
            }
            case "torch.Size" -> {
                return args.isEmpty() ? Collections.emptyList() : args.get(0);
            }
            default -> {
                return new Unsupported(g.qualified());
            }
        }
    }

    /** BUILD sets object state; the only state we meet is OrderedDict's {@code _metadata}, which we drop. */
    private void build(Object state, Object target) throws PickleException {
        if (target instanceof Map || target instanceof Unsupported || target instanceof TensorRef) return;
        throw new PickleException("pickle sets state on " + describe(target));
    }

    /** Python-ish words for what a value is, for error messages. */
    static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof Global g) return "global " + g.qualified();
        if (o instanceof Unsupported u) return "an object of unsupported type " + u.global();
        if (o instanceof TensorRef) return "a tensor";
        if (o instanceof StorageRef) return "a storage";
        if (o instanceof Map) return "a dict";
        if (o instanceof ArrayList) return "a list";
        if (o instanceof List) return "a tuple";
        if (o instanceof Long || o instanceof BigInteger) return "an int";
        if (o instanceof Double) return "a float";
        if (o instanceof String) return "a string";
        if (o instanceof Boolean) return "a bool";
        if (o instanceof byte[]) return "bytes";
        return "a " + o.getClass().getSimpleName();
    }

    private static List<Object> tupleOf(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    private void push(Object o) { stack.add(o); }

    private Object pop() throws PickleException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw new PickleException("pickle pops from an empty stack");
        return stack.remove(stack.size() - 1);
    }

    private Object top() throws PickleException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw new PickleException("pickle uses an empty stack");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) throws PickleException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) items[i] = pop();
        return new ArrayList<>(Arrays.asList(items));
    }

    private List<Object> popMark() throws PickleException {
        if (marks.isEmpty()) throw new PickleException("pickle has no MARK where one is needed");
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(long key) throws PickleException {
        if (!memo.containsKey(key)) throw new PickleException("pickle refers to memo entry " + key + " that was never stored");
        return memo.get(key);
    }

    @SuppressWarnings("unchecked")
    static List<Object> listAt(Object o) throws PickleException {
        if (o instanceof List<?> l) return (List<Object>) l;
        throw new PickleException("pickle expects a list or tuple but has " + describe(o));
    }

    /**
     * Dict keys must be hashable in Python; we accept scalars and tuples of scalars, which also
     * keeps a damaged pickle from hashing a list that contains itself.
     */
    private static Object key(Object k) throws PickleException {
        if (isScalar(k)) return k;
        if (k instanceof List<?> t && !(k instanceof ArrayList)) {
            for (Object x : t) if (!isScalar(x)) throw new PickleException("pickle has a dict key that is not hashable");
            return k;
        }
        throw new PickleException("pickle has a dict key that is " + describe(k));
    }

    private static boolean isScalar(Object o) {
        return o == null || o instanceof String || o instanceof Long || o instanceof BigInteger || o instanceof Double
                || o instanceof Boolean;
    }

    /** Lists are ArrayLists; tuples are immutable and must not grow. */
    @SuppressWarnings("unchecked")
    private static List<Object> appendable(Object o) throws PickleException {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw new PickleException("pickle appends to " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dictAt(Object o) throws PickleException {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw new PickleException("pickle expects a dict but has " + describe(o));
    }

    static long asLong(Object o) throws PickleException {
        if (o instanceof Long l) return l;
        throw new PickleException("pickle expects an integer but has " + describe(o));
    }

    private static long[] longs(Object o) throws PickleException {
        List<Object> l = listAt(o);
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = asLong(l.get(i));
        return r;
    }

    private static String str(Object o) throws PickleException {
        if (o instanceof String s) return s;
        throw new PickleException("pickle expects a string but has " + describe(o));
    }

    private static long parseLong(String s) throws PickleException {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new PickleException("pickle has a bad memo index '" + s + "'");
        }
    }

    private static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    private static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    private int checkLength(long n) throws PickleException {
        if (n < 0 || n > remaining || n > Integer.MAX_VALUE - 8) {
            throw new PickleException("pickle claims a " + n + "-byte value at byte " + position + " but only " + remaining + " bytes remain");
        }
        return (int) n;
    }

    /** Little-endian two's complement, as LONG1/LONG4 store Python ints. */
    private Object readLong(int n) throws IOException, PickleException {
        byte[] le = readBytes(n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String readLine() throws IOException, PickleException {
        StringBuilder sb = new StringBuilder();
        for (int c = readByte(); c != '\n'; c = readByte()) {
            if (sb.length() > 4096) throw new PickleException("pickle has an overlong text line at byte " + position);
            sb.append((char) c);
        }
        return sb.toString();
    }

    private int readByte() throws IOException, PickleException {
        if (remaining <= 0) throw new PickleException("pickle is truncated at byte " + position);
        int b = in.read();
        if (b < 0) throw new PickleException("pickle is truncated at byte " + position);
        remaining--;
        position++;
        return b;
    }

    private int readIntLE() throws IOException, PickleException {
        return readByte() | readByte() << 8 | readByte() << 16 | readByte() << 24;
    }

    private long readLongLE() throws IOException, PickleException {
        return (readIntLE() & 0xffffffffL) | ((long) readIntLE()) << 32;
    }

    private byte[] readBytes(int n) throws IOException, PickleException {
        checkLength(n);
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new PickleException("pickle is truncated at byte " + (position + b.length));
        remaining -= n;
        position += n;
        return b;
    }

    /** Bytes consumed so far. */
    long position() { return position; }

    /** Skips raw bytes that follow the pickles, checking the stream holds them. */
    void skipRaw(long n) throws IOException, PickleException {
        if (n < 0 || n > remaining) throw new PickleException("stream claims " + n + " raw bytes at byte " + position + " but only " + remaining + " remain");
        in.skipNBytes(n);
        remaining -= n;
        position += n;
    }

    long readRawLongLE() throws IOException, PickleException {
        return readLongLE();
    }

}
