package dev.graft.io;

import dev.graft.GraftException;
import dev.graft.io.Unpickler.Global;
import dev.graft.io.Unpickler.PickleException;
import dev.graft.io.Unpickler.StorageRef;
import dev.graft.io.Unpickler.TensorRef;
import dev.graft.io.Unpickler.Unsupported;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads both {@code torch.save} layouts: the zip archive of torch >= 1.6 (a pickle in
 * {@code data.pkl}, one entry per storage in {@code data/}) and the older legacy stream
 * (magic number, protocol, system info, the pickle, the storage keys, then each storage as
 * an int64 count and raw bytes). Tensors come back as views (offset, strides) of their
 * storages, as in torch: a storage shared by many tensors is read once, uncompressed storages
 * are memory-mapped, and nothing is read until a tensor's data is used, so the keys and
 * shapes of a file can be checked first. A view's data comes out as PyTorch's
 * {@code tensor.contiguous()} would.
 */
final class TorchReader {
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int LEGACY_PROTOCOL = 1001;
    private static final long MAX_EXPANDED_BYTES = 64L << 20;

    private final Path file;
    private final long fileSize;
    private final Map<String, StorageRef> storages = new HashMap<>();
    private final Map<String, Storage> data = new HashMap<>();
    private Function<StorageRef, Storage> storageData;

    private TorchReader(Path file) throws IOException {
        this.file = file;
        this.fileSize = Files.size(file);
    }

    /**
     * Unpickles {@code file}, lets {@code select} pick the part of the object wanted (it sees
     * unresolved tensors) and returns that part with every tensor materialized.
     */
    static Object load(Path file, UnaryOperator<Object> select) {
        try {
            TorchReader r = new TorchReader(file);
            byte[] head = new byte[512];
            int n;
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, head.length);
            }
            if (n == 0) throw r.error("is empty");
            if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return r.loadZip(select);
            if (n >= 262 && new String(head, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
                throw r.error("is a tar archive, the torch.save format of PyTorch < 0.4, which Graft cannot read; "
                        + "re-save it with a newer torch");
            }
            if ((head[0] & 0xff) == 0x80) return r.loadLegacy(select); // a pickle; its magic number decides
            throw r.error("is not a PyTorch file (neither a torch.save zip archive nor a legacy torch.save pickle)");
        } catch (IOException e) {
            throw new GraftException("Cannot read " + file + ": " + GraftException.reason(e) + ".", e);
        } catch (StackOverflowError e) {
            // last line of defence against self-referencing objects in a damaged pickle
            throw new GraftException("The file " + file + " is corrupt: its objects refer to themselves.");
        }
    }

    private Object loadZip(UnaryOperator<Object> select) throws IOException {
        // ZipFile reports bad entry names with IllegalArgumentException, the rest with ZipException.
        try (ZipFile zip = new ZipFile(file.toFile());
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return loadZip(zip, ch, select);
        } catch (ZipException | IllegalArgumentException e) {
            throw error("is a damaged zip archive (" + e.getMessage() + "), probably truncated");
        }
    }

    private Object loadZip(ZipFile zip, FileChannel ch, UnaryOperator<Object> select) throws IOException {
        String prefix = null;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            if (name.equals("data.pkl") || name.endsWith("/data.pkl")) {
                prefix = name.substring(0, name.length() - "data.pkl".length());
                break;
            }
        }
        if (prefix == null) throw error("is a zip archive without a data.pkl entry, so not a torch.save file");
        ZipEntry order = zip.getEntry(prefix + "byteorder"); // written by torch >= 2.1 only
        if (order != null) {
            String byteOrder = new String(entryBytes(zip, order, Math.min(order.getSize(), 16)), StandardCharsets.US_ASCII);
            if (!byteOrder.trim().equals("little")) throw error("stores big-endian tensors, which Graft does not read");
        }
        final String p = prefix;
        Map<String, Long> stored = ZipLayout.storedEntries(ch);
        storageData = ref -> {
            ZipEntry e = zip.getEntry(p + "data/" + ref.key());
            if (e == null) throw error("has no entry data/" + ref.key() + " for a storage its pickle refers to");
            long need = storageBytes(ref);
            if (e.getSize() < need) {
                throw error("has storage data/" + ref.key() + " of " + e.getSize() + " bytes where the pickle expects " + need);
            }
            try {
                Long at = stored.get(e.getName());
                if (at != null) return mapped(ch, at, need);
                return Storage.of(entryBytes(zip, e, need)); // compressed: only zips not written by torch
            } catch (IOException ex) {
                throw error("cannot be read at entry data/" + ref.key() + " (" + ex.getMessage() + ")");
            }
        };
        ZipEntry pklEntry = zip.getEntry(prefix + "data.pkl");
        byte[] pkl = entryBytes(zip, pklEntry, pklEntry.getSize());
        Object obj = unpickle(new Unpickler(new java.io.ByteArrayInputStream(pkl), pkl.length, this::persistentLoad));
        return resolve(select.apply(obj), "");
    }

    private Object loadLegacy(UnaryOperator<Object> select) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Unpickler u = new Unpickler(in, fileSize, this::persistentLoad);
            if (!LEGACY_MAGIC.equals(unpickle(u))) throw error("is not a PyTorch file (wrong legacy magic number)");
            if (!Long.valueOf(LEGACY_PROTOCOL).equals(unpickle(u))) throw error("uses an unknown legacy protocol version");
            if (unpickle(u) instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
                throw error("stores big-endian tensors, which Graft does not read");
            }
            Object obj = unpickle(u);
            Object keys = unpickle(u);
            if (!(keys instanceof List<?> keyList)) throw error("has no list of storage keys after its pickle");
            for (Object k : keyList) {
                StorageRef ref = storages.get(String.valueOf(k));
                if (ref == null) throw error("lists storage " + k + " that no tensor uses");
                long numel = u.readRawLongLE();
                long bytes = numel * ref.dtype().size();
                if (numel < ref.numel() || bytes > fileSize - u.position() || numel > Integer.MAX_VALUE) {
                    throw error("is truncated or corrupt: storage " + k + " claims " + numel + " elements of "
                            + ref.dtype().torchName() + " but the file has " + (fileSize - u.position()) + " bytes left");
                }
                if (!data.containsKey(ref.key())) data.put(ref.key(), mapped(ch, u.position(), storageBytes(ref)));
                u.skipRaw(bytes);
            }
            storageData = ref -> { throw error("has no data for storage " + ref.key()); };
            return resolve(select.apply(obj), "");
        } catch (PickleException e) {
            throw error("is truncated or corrupt: " + e.getMessage());
        }
    }

    private Object unpickle(Unpickler u) throws IOException {
        try {
            return u.load();
        } catch (PickleException e) {
            throw error("is truncated or corrupt: its pickle is unreadable (" + e.getMessage() + ")");
        }
    }

    /**
     * Persistent ids name storages: ('storage', type, key, location, numel[, view_metadata]),
     * where legacy files may give view_metadata = (view_key, offset, size), a window of the
     * stored storage counted in elements.
     */
    private Object persistentLoad(List<Object> pid) {
        if (pid.size() < 5 || !"storage".equals(pid.get(0)) || !(pid.get(1) instanceof Global type)
                || !(pid.get(4) instanceof Long numel)) {
            throw error("has a persistent id that is not a torch storage");
        }
        DType dtype = storageType(type);
        String key = String.valueOf(pid.get(2));
        if (numel < 0 || numel > fileSize / dtype.size()) {
            throw error("is corrupt: storage " + key + " claims " + numel + " elements, more than the file holds");
        }
        StorageRef root = storages.computeIfAbsent(key, k -> new StorageRef(k, dtype, numel));
        if (pid.size() < 6 || pid.get(5) == null) return root;
        if (!(pid.get(5) instanceof List<?> view) || view.size() != 3 || !(view.get(1) instanceof Long offset)
                || !(view.get(2) instanceof Long size) || offset < 0 || size < 0 || offset + size > root.numel()) {
            throw error("is corrupt: storage " + key + " has a view outside its " + root.numel() + " elements");
        }
        return new StorageRef(key, root.dtype(), root.numel(), offset, size);
    }

    private DType storageType(Global type) {
        if (type.module().startsWith("torch") && type.name().endsWith("UntypedStorage")) return DType.UINT8;
        if (type.module().equals("torch")) {
            for (DType d : DType.values()) if (d.torchStorage().equals(type.name())) return d;
        }
        throw error("holds storage type " + type.qualified() + ", which Graft does not read");
    }

    /** Replaces tensor references by materialized tensors, recursively; rejects unsupported objects. */
    private Object resolve(Object o, String path) {
        return resolve(o, path, 0);
    }

    private Object resolve(Object o, String path, int depth) {
        // A damaged pickle can make a list contain itself; real state dicts nest a few levels.
        if (depth > 200) throw error("is corrupt: its objects nest more than 200 levels deep or contain themselves");
        if (o instanceof TensorRef t) return materialize(t, path);
        if (o instanceof Map<?, ?> m) {
            LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = e.getKey() instanceof String || e.getKey() instanceof Long ? String.valueOf(e.getKey()) : "?";
                out.put(e.getKey(), resolve(e.getValue(), path.isEmpty() ? key : path + "." + key, depth + 1));
            }
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) out.add(resolve(l.get(i), path + "[" + i + "]", depth + 1));
            return out;
        }
        if (o instanceof Unsupported || o instanceof Global || o instanceof StorageRef) {
            throw error("holds " + Unpickler.describe(o) + (path.isEmpty() ? "" : " at '" + path + "'")
                    + ", which Graft does not read (only tensors, dicts, lists and plain values)");
        }
        return o;
    }

    private TensorData materialize(TensorRef t, String path) {
        StorageRef s = t.storage();
        long[] size = t.size(), stride = t.stride();
        if (size.length != stride.length) throw error("has tensor '" + path + "' whose size and stride differ in length");
        long numel = 1, last = t.offset();
        try {
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0 || stride[i] < 0) throw error("has tensor '" + path + "' with a negative size or stride");
                numel = Math.multiplyExact(numel, size[i]);
                if (size[i] > 0) last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
            if (Math.multiplyExact(numel, s.dtype().size()) > Integer.MAX_VALUE - 8) throw new ArithmeticException();
        } catch (ArithmeticException e) {
            throw error("has tensor '" + path + "' of shape " + java.util.Arrays.toString(size)
                    + ", too large for Graft (2 GB per tensor at most)");
        }
        if (numel == 0) return new TensorData(s.dtype(), size, new byte[0]);
        // Only stride-0 (expanded) views are larger than their storage; a damaged file must not
        // make us allocate gigabytes from a few bytes, so such views are capped.
        if (numel > s.viewNumel() && numel * s.dtype().size() > MAX_EXPANDED_BYTES) {
            throw error("has tensor '" + path + "' that expands " + s.numel() + " stored elements to " + numel
                    + ", more than Graft materializes (64 MiB)");
        }
        if (t.offset() < 0 || last >= s.viewNumel()) {
            throw error("is corrupt: tensor '" + path + "' reaches element " + last + " of storage " + s.key()
                    + ", which holds " + s.viewNumel());
        }
        Storage bytes = data.get(s.key());
        if (bytes == null) {
            bytes = storageData.apply(s);
            data.put(s.key(), bytes);
        }
        return TensorData.view(s.dtype(), size, bytes, s.viewOffset() + t.offset(), stride);
    }

    /** The bytes a storage's elements take, refused above 2 GB (Graft indexes storages by int). */
    private long storageBytes(StorageRef ref) {
        long n = ref.numel() * ref.dtype().size();
        if (n > Integer.MAX_VALUE - 8) throw error("holds storage " + ref.key() + " of " + n + " bytes, too large for Graft (2 GB at most)");
        return n;
    }

    /** A window of the file mapped now (which reads nothing: pages are read when touched). */
    private Storage mapped(FileChannel ch, long at, long size) {
        try {
            ByteBuffer b = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, at, size);
            return Storage.lazy(size, () -> b);
        } catch (IOException e) {
            throw error("cannot be mapped (" + e.getMessage() + ")");
        }
    }

    /** The first {@code size} bytes of an entry, after checking the file can hold them. */
    private byte[] entryBytes(ZipFile zip, ZipEntry e, long size) throws IOException {
        // Deflate cannot expand more than ~1032x, so a larger claim is a lie that must not be allocated.
        long limit = e.getMethod() == ZipEntry.STORED ? fileSize : fileSize * 1032;
        if (size < 0 || size > limit || e.getSize() > limit || size > Integer.MAX_VALUE - 8) {
            throw error("is corrupt: zip entry " + e.getName() + " claims " + e.getSize() + " bytes");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) size);
            if (b.length != size) throw error("is truncated inside zip entry " + e.getName());
            return b;
        } catch (ZipException ex) {
            throw error("is corrupt at zip entry " + e.getName() + " (" + ex.getMessage() + ")");
        }
    }

    private GraftException error(String what) {
        return new GraftException("The file " + file + " " + what + ".");
    }
}
