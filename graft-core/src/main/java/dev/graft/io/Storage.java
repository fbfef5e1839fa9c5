package dev.graft.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * The bytes of one stored tensor storage, shared by every tensor that views it, as in torch:
 * a heap array, a memory-mapped window of the file, or bytes read from the file the first
 * time a tensor's data is asked for (and then kept for the other views). Nothing is read
 * while a file's keys and shapes are only being looked at.
 */
final class Storage {
    private final long size;
    private Supplier<ByteBuffer> loader;
    private ByteBuffer bytes;

    private Storage(long size, Supplier<ByteBuffer> loader, ByteBuffer bytes) {
        this.size = size;
        this.loader = loader;
        this.bytes = bytes;
    }

    static Storage of(byte[] data) {
        return new Storage(data.length, null, ByteBuffer.wrap(data));
    }

    /** A storage of {@code size} bytes that {@code loader} produces on first use (a mapping or a read). */
    static Storage lazy(long size, Supplier<ByteBuffer> loader) {
        return new Storage(size, loader, null);
    }

    long size() { return size; }

    /** The bytes, little-endian, positioned at 0; callers use absolute reads only. */
    synchronized ByteBuffer bytes() {
        if (bytes == null) {
            ByteBuffer b = loader.get();
            if (b.remaining() < size) throw new IllegalStateException("storage holds " + b.remaining() + " of " + size + " bytes");
            bytes = b;
            loader = null;
        }
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The backing array when this storage is exactly one heap array, else null. */
    synchronized byte[] array() {
        return bytes != null && bytes.hasArray() && bytes.arrayOffset() == 0 && bytes.array().length == size
                ? bytes.array() : null;
    }
}
