package dev.graft.io;

/** Element types a state dict can hold, with the names PyTorch and safetensors use for them. */
public enum DType {
    FLOAT32(4, "F32", "FloatStorage", "float32"),
    FLOAT64(8, "F64", "DoubleStorage", "float64"),
    FLOAT16(2, "F16", "HalfStorage", "float16"),
    BFLOAT16(2, "BF16", "BFloat16Storage", "bfloat16"),
    INT64(8, "I64", "LongStorage", "int64"),
    INT32(4, "I32", "IntStorage", "int32"),
    INT16(2, "I16", "ShortStorage", "int16"),
    INT8(1, "I8", "CharStorage", "int8"),
    UINT8(1, "U8", "ByteStorage", "uint8"),
    BOOL(1, "BOOL", "BoolStorage", "bool");

    private final int size;
    private final String safetensorsName;
    private final String torchStorage;
    private final String torchName;

    DType(int size, String safetensorsName, String torchStorage, String torchName) {
        this.size = size;
        this.safetensorsName = safetensorsName;
        this.torchStorage = torchStorage;
        this.torchName = torchName;
    }

    /** Bytes per element. */
    public int size() { return size; }

    /** The dtype string in a safetensors header ("F32"). */
    public String safetensorsName() { return safetensorsName; }

    /** The legacy storage class in torch pickles ("FloatStorage"). */
    public String torchStorage() { return torchStorage; }

    /** The torch name ("float32"). */
    public String torchName() { return torchName; }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    public static DType fromSafetensors(String name) {
        for (DType t : values()) if (t.safetensorsName.equals(name)) return t;
        throw new IllegalArgumentException("unsupported safetensors dtype " + name);
    }

    public static DType fromTorchStorage(String name) {
        for (DType t : values()) if (t.torchStorage.equals(name)) return t;
        throw new IllegalArgumentException("unsupported torch storage type " + name);
    }
}
