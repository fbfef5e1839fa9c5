package dev.graft.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.io.DType;
import dev.graft.io.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts between engine arrays and {@link TensorData}, the form files hold. */
public final class Tensors {
    private Tensors() {}

    public static TensorData toData(NDArray array) {
        DType dtype = switch (array.getDataType()) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT64 -> DType.FLOAT64;
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case INT8 -> DType.INT8;
            case UINT8 -> DType.UINT8;
            case BOOLEAN -> DType.BOOL;
            default -> throw new IllegalArgumentException("unsupported dtype " + array.getDataType());
        };
        ByteBuffer buf = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        return new TensorData(dtype, array.getShape().getShape(), bytes);
    }

    /**
     * The values of a float32 array, row-major. Unlike DJL's {@code toFloatArray()}, this leaves
     * nothing behind for an array that is not contiguous (a channels-last weight): DJL then
     * makes a contiguous engine copy in the array's manager and never frees it, which for a
     * parameter is the root manager, for the life of the process.
     */
    public static float[] toFloats(NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("expected a float32 array, got " + array.getDataType());
        }
        java.nio.FloatBuffer b = array.toByteBuffer(false).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * Whether every value of a floating-point array is finite (no NaN, no infinity), by one
     * reduction in the engine: {@code (x * 0).sum()} is 0 unless some value is NaN or infinite.
     * Integer and boolean arrays are always finite.
     */
    public static boolean allFinite(NDArray array) {
        if (!array.getDataType().isFloating()) return true;
        try (NDArray zero = array.mul(0f); NDArray sum = zero.sum();
             NDArray value = sum.toType(DataType.FLOAT64, true)) {
            return Double.isFinite(value.getDouble());
        }
    }

    /** Creates a float32 array (or int64 for integer data) from file data. */
    public static NDArray fromData(TensorData t, NDManager manager) {
        Shape shape = new Shape(t.shape());
        if (t.dtype() == DType.INT64 || t.dtype() == DType.INT32) {
            ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(t.numel() * 8)).order(ByteOrder.nativeOrder());
            ByteBuffer src = t.buffer();
            for (long i = 0; i < t.numel(); i++) {
                buf.putLong(t.dtype() == DType.INT64 ? src.getLong((int) i * 8) : src.getInt((int) i * 4));
            }
            buf.rewind();
            return manager.create(buf, shape, DataType.INT64);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(t.numel() * 4)).order(ByteOrder.nativeOrder());
        if (t.dtype() == DType.FLOAT32) {
            buf.put(t.buffer());
        } else {
            buf.asFloatBuffer().put(t.toFloats());
        }
        buf.rewind();
        return manager.create(buf, shape, DataType.FLOAT32);
    }

    /**
     * The same [N, C, H, W] values laid out channels-last in memory ({@code
     * x.contiguous(memory_format=torch.channels_last)}): libtorch's kernels keep that layout
     * through convolutions, norms, pooling and elementwise ops. DJL has no memory-format call,
     * so it is made as PyTorch represents it: an NHWC copy viewed back as NCHW.
     */
    public static NDArray channelsLast(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        return x.transpose(0, 2, 3, 1).reshape(n, h * w * c).reshape(n, h, w, c).transpose(0, 3, 1, 2);
    }

    public static NDArray fromFloats(float[] values, Shape shape, NDManager manager) {
        return manager.create(values, shape);
    }
}
