package dev.graft.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as it sits in a weight file: element type, shape, and its values, row-major and
 * little-endian. This is the currency between {@code io} (files) and {@code nn} (engine
 * arrays), so reading and writing files never needs the engine. A tensor read from a file is
 * a view of a shared storage (offset and strides, as in torch): its dtype and shape are known
 * at once, its bytes are only read when {@link #data()} or {@link #buffer()} asks for them,
 * and many views of one storage cost the storage once.
 */
public final class TensorData {
    private final DType dtype;
    private final long[] shape;
    private final Storage storage;
    private final long offset;
    private final long[] stride;
    private final boolean owned;

    /** A tensor holding {@code data}, its contiguous bytes. */
    public TensorData(DType dtype, long[] shape, byte[] data) {
        this(dtype, shape, Storage.of(data), 0, null, true);
        long n = numel(shape);
        if (n * dtype.size() != data.length) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " and dtype "
                    + dtype.torchName() + " needs " + n * dtype.size() + " bytes, got " + data.length);
        }
    }

    private TensorData(DType dtype, long[] shape, Storage storage, long offset, long[] stride, boolean owned) {
        this.dtype = dtype;
        this.shape = shape;
        this.storage = storage;
        this.offset = offset;
        this.stride = stride == null || isContiguous(shape, stride) ? null : stride;
        this.owned = owned;
    }

    /**
     * A view of {@code storage}: {@code offset} and {@code stride} count elements; the caller has
     * checked that every element lies inside the storage.
     */
    static TensorData view(DType dtype, long[] shape, Storage storage, long offset, long[] stride) {
        return new TensorData(dtype, shape, storage, offset, stride, false);
    }

    public DType dtype() { return dtype; }

    public long[] shape() { return shape; }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long numel() { return numel(shape); }

    /** Size of the values in bytes, known without reading them. */
    public long byteSize() { return numel() * dtype.size(); }

    /**
     * The contiguous bytes. A tensor made from an array returns that array; a view of a file
     * returns a fresh copy each time (read from the file or the shared storage).
     */
    public byte[] data() {
        if (owned) return storage.array();
        byte[] out = new byte[Math.toIntExact(byteSize())];
        ByteBuffer src = storage.bytes();
        int es = dtype.size();
        if (stride == null) src.get(Math.toIntExact(offset * es), out);
        else gather(src, es, offset, shape, stride, out);
        return out;
    }

    /** The values as a little-endian buffer at position 0; a contiguous view is not copied. */
    public ByteBuffer buffer() {
        if (stride != null) return ByteBuffer.wrap(data()).order(ByteOrder.LITTLE_ENDIAN);
        return storage.bytes().slice(Math.toIntExact(offset * dtype.size()), Math.toIntExact(byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    /** Copies a strided view into row-major order, one innermost row at a time. */
    private static void gather(ByteBuffer src, int es, long offset, long[] size, long[] stride, byte[] out) {
        int nd = size.length;
        long numel = numel(size);
        if (numel == 0) return;
        long inner = size[nd - 1], innerStride = stride[nd - 1];
        long[] idx = new long[nd - 1];
        int pos = 0;
        for (long row = 0; row < numel / inner; row++) {
            long base = offset;
            for (int d = 0; d < nd - 1; d++) base += idx[d] * stride[d];
            if (innerStride == 1) {
                src.get((int) (base * es), out, pos, (int) (inner * es));
                pos += (int) (inner * es);
            } else {
                for (long j = 0; j < inner; j++, pos += es) src.get((int) ((base + j * innerStride) * es), out, pos, es);
            }
            for (int d = nd - 2; d >= 0 && ++idx[d] == size[d]; d--) idx[d] = 0;
        }
    }

    public static TensorData ofFloats(long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorData(DType.FLOAT32, shape.clone(), b.array());
    }

    public static TensorData ofLong(long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(value);
        return new TensorData(DType.INT64, new long[0], b.array());
    }

    /** The values as float32, converting from any floating or integer dtype. */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = buffer();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case FLOAT32 -> b.getFloat(i * 4);
                case FLOAT64 -> (float) b.getDouble(i * 8);
                case FLOAT16 -> halfToFloat(b.getShort(i * 2));
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                case INT64 -> b.getLong(i * 8);
                case INT32 -> b.getInt(i * 4);
                case INT16 -> b.getShort(i * 2);
                case INT8 -> b.get(i);
                case UINT8, BOOL -> b.get(i) & 0xff;
            };
        }
        return out;
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public String shapeString() { return Arrays.toString(shape); }

    /** Whether this tensor and {@code other} are views of the same stored bytes (as torch's shared storages). */
    public boolean sharesStorageWith(TensorData other) { return storage == other.storage; }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.buffer().equals(buffer());
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(shape) + buffer().hashCode(); }

    @Override
    public String toString() { return "TensorData[" + dtype.torchName() + " " + shapeString() + "]"; }
}
