package dev.graft.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the bytes of each uncompressed ("stored") entry of a zip file begin, read from the
 * central directory (zip64 included) and the local headers, so torch.save storages can be
 * memory-mapped instead of copied through {@code ZipFile}. Anything unexpected gives an
 * empty answer, and the caller reads through {@code ZipFile} instead.
 */
final class ZipLayout {
    private ZipLayout() {}

    /** Entry name to file offset of its data, for stored entries whose sizes agree. */
    static Map<String, Long> storedEntries(FileChannel ch) {
        try {
            return read(ch);
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    private static Map<String, Long> read(FileChannel ch) throws IOException {
        long size = ch.size();
        int tail = (int) Math.min(size, 22 + 65535 + 20);
        ByteBuffer end = bytes(ch, size - tail, tail);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--) if (end.getInt(i) == 0x06054b50) { eocd = i; break; }
        if (eocd < 0) return Map.of();
        long count = end.getShort(eocd + 10) & 0xffff;
        long cdOffset = end.getInt(eocd + 16) & 0xffffffffL;
        if ((count == 0xffff || cdOffset == 0xffffffffL) && eocd >= 20 && end.getInt(eocd - 20) == 0x07064b50) {
            ByteBuffer z = bytes(ch, end.getLong(eocd - 20 + 8), 56);
            if (z.getInt(0) != 0x06064b50) return Map.of();
            count = z.getLong(32);
            cdOffset = z.getLong(48);
        }
        Map<String, Long> out = new HashMap<>();
        long at = cdOffset;
        for (long n = 0; n < count; n++) {
            ByteBuffer h = bytes(ch, at, 46);
            if (h.getInt(0) != 0x02014b50) return Map.of();
            int method = h.getShort(10) & 0xffff;
            long csize = h.getInt(20) & 0xffffffffL, usize = h.getInt(24) & 0xffffffffL;
            int nameLen = h.getShort(28) & 0xffff, extraLen = h.getShort(30) & 0xffff, commentLen = h.getShort(32) & 0xffff;
            long local = h.getInt(42) & 0xffffffffL;
            ByteBuffer rest = bytes(ch, at + 46, nameLen + extraLen);
            byte[] name = new byte[nameLen];
            rest.get(0, name);
            for (int e = nameLen; e + 4 <= nameLen + extraLen; ) {
                int id = rest.getShort(e) & 0xffff, len = rest.getShort(e + 2) & 0xffff;
                if (id == 1) { // zip64: the 8-byte values of the fields set to 0xffffffff, in this order
                    int p = e + 4;
                    if (usize == 0xffffffffL) { usize = rest.getLong(p); p += 8; }
                    if (csize == 0xffffffffL) { csize = rest.getLong(p); p += 8; }
                    if (local == 0xffffffffL) local = rest.getLong(p);
                }
                e += 4 + len;
            }
            if (method == 0 && csize == usize) {
                ByteBuffer lh = bytes(ch, local, 30);
                if (lh.getInt(0) != 0x04034b50) return Map.of();
                long data = local + 30 + (lh.getShort(26) & 0xffff) + (lh.getShort(28) & 0xffff);
                if (data + usize > size) return Map.of();
                out.put(new String(name, StandardCharsets.UTF_8), data);
            }
            at += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    private static ByteBuffer bytes(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) if (ch.read(b, at + b.position()) <= 0) throw new IOException("short read");
        return b;
    }
}
