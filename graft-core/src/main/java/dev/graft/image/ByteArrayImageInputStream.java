package dev.graft.image;

import java.io.IOException;
import javax.imageio.stream.ImageInputStreamImpl;

/** An ImageInputStream straight over a byte array: no cache copies, unlike ImageIO's memory cache. */
final class ByteArrayImageInputStream extends ImageInputStreamImpl {
    private final byte[] data;

    ByteArrayImageInputStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() {
        bitOffset = 0;
        return streamPos < data.length ? data[(int) streamPos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        bitOffset = 0;
        if (len == 0) return 0;
        if (streamPos >= data.length) return -1;
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }

    @Override
    public void seek(long pos) throws IOException {
        super.seek(pos);
    }
}
