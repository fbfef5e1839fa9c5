package dev.graft.io;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.graft.GraftException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloads against an HTTP server on 127.0.0.1 that serves good, corrupt, truncated and missing files. */
class WeightCacheTest {
    /** sha256("abc"), a published test vector, so the hash rule is checked against a known digest. */
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final byte[] WEIGHTS = new byte[300_000];

    static {
        for (int i = 0; i < WEIGHTS.length; i++) WEIGHTS[i] = (byte) (i * 31 + i / 7);
    }

    @TempDir
    Path cacheDir;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private String goodName;
    private final String stateName = "state-" + WeightCache.sha256(IoFixtures.file("state.pth")).substring(0, 8) + ".pth";
    private WeightCache cache;

    @BeforeEach
    void startServer() throws IOException {
        Path probe = Files.write(cacheDir.resolveSibling(cacheDir.getFileName() + "-probe"), WEIGHTS);
        String sha = WeightCache.sha256(probe);
        Files.delete(probe);
        goodName = "net-" + sha.substring(0, 8) + ".pth";
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/", this::serve);
        server.start();
        cache = new WeightCache(cacheDir.resolve("hub/checkpoints"),
                "http://127.0.0.1:" + server.getAddress().getPort() + "/models/").timeoutMillis(5000);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String name = ex.getRequestURI().getPath().substring("/models/".length());
        try (ex) {
            if (name.equals(stateName)) {
                byte[] b = Files.readAllBytes(IoFixtures.file("state.pth"));
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            } else if (name.equals(goodName) || name.equals("net-00000000.pth")) {
                ex.sendResponseHeaders(200, WEIGHTS.length);
                ex.getResponseBody().write(WEIGHTS);
            } else if (name.equals("chunked-" + goodName)) {
                ex.sendResponseHeaders(200, 0); // no Content-Length: the client cannot know the size
                ex.getResponseBody().write(WEIGHTS);
            } else if (name.startsWith("cut-")) {
                ex.sendResponseHeaders(200, WEIGHTS.length);
                OutputStream out = ex.getResponseBody();
                out.write(WEIGHTS, 0, WEIGHTS.length / 3);
                out.flush(); // then close the exchange with bytes still owed
            } else {
                ex.sendResponseHeaders(404, -1);
            }
        } catch (IOException expectedForTruncation) {
            // HttpServer complains that fewer bytes than announced were written; that is the point
        }
    }

    @Test
    void downloadsChecksAndCaches() throws IOException {
        assertTrue(cache.find(goodName).isEmpty());
        Path p = cache.fetch("https://download.pytorch.org/models/" + goodName, goodName, null, false);
        assertEquals(cache.dir().resolve(goodName), p);
        assertArrayEquals(WEIGHTS, Files.readAllBytes(p));
        assertEquals(p, cache.find(goodName).orElseThrow());
        assertTrue(WeightCache.verify(p).ok());
        assertEquals(1, requests.get());
        assertEquals(p, cache.fetch("https://download.pytorch.org/models/" + goodName, true));
        assertEquals(1, requests.get(), "a cached file is not downloaded again");
        assertOnlyFiles(goodName);
    }

    @Test
    void loadsAStateDictFromAUrl() {
        var sd = cache.loadStateDictFromUrl("https://example.org/weights/" + stateName, false);
        IoFixtures.assertSameTensors(IoFixtures.expected("state"), sd);
        assertOnlyFiles(stateName);
    }

    @Test
    void downloadsWithoutContentLengthWithProgressBar() throws IOException {
        String name = "chunked-" + goodName;
        Path p = cache.fetch("https://download.pytorch.org/models/" + name, name, goodName.substring(4, 12), true);
        assertArrayEquals(WEIGHTS, Files.readAllBytes(p));
        assertOnlyFiles(name);
    }

    @Test
    void aLocalMirrorWorksAsBaseUrl() throws IOException {
        Path mirror = Files.createDirectories(cacheDir.resolve("mirror"));
        Files.write(mirror.resolve(goodName), WEIGHTS);
        cache = new WeightCache(cacheDir.resolve("hub/checkpoints"), mirror.toUri().toString());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(cache.fetch("https://x.org/" + goodName, false)));
        GraftException e = assertThrows(GraftException.class, () -> cache.fetch("https://x.org/a-1234.pth", false));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        assertOnlyFiles(goodName);
    }

    @Test
    void hashMismatchLeavesNothing() {
        assertFails("net-00000000.pth", "does not start with 00000000");
    }

    @Test
    void explicitPrefixIsChecked() {
        GraftException e = assertThrows(GraftException.class,
                () -> cache.fetch("http://x/" + goodName, goodName, "ffff" + ABC_SHA256.substring(0, 4), false));
        assertTrue(e.getMessage().contains("does not start with"), e.getMessage());
        assertOnlyFiles();
    }

    @Test
    void truncatedTransferLeavesNothing() {
        assertFails("cut-" + goodName.substring(4), "bytes");
    }

    @Test
    void missingFileLeavesNothing() {
        assertFails("nothere-12345678.pth", "HTTP 404");
    }

    @Test
    void offlineSaysWhereToPutTheFile() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            deadPort = s.getLocalPort();
        }
        cache = new WeightCache(cache.dir(), "http://127.0.0.1:" + deadPort).timeoutMillis(5000);
        assertFails(goodName, "onnect");
    }

    private void assertFails(String fileName, String why) {
        String url = "https://download.pytorch.org/models/" + fileName;
        GraftException e = assertThrows(GraftException.class, () -> cache.fetch(url, fileName, null, false));
        String m = e.getMessage();
        assertTrue(m.contains(why), m);
        assertTrue(m.contains(fileName) && m.contains("http://127.0.0.1:"), m);
        assertTrue(m.contains(cache.dir().resolve(fileName).toAbsolutePath().toString()), m);
        assertTrue(m.endsWith(".") && !m.contains("\n"), m);
        assertTrue(cache.find(fileName).isEmpty());
        assertOnlyFiles();
    }

    private void assertOnlyFiles(String... names) {
        try (var s = Files.list(cache.dir())) {
            assertEquals(List.of(names), s.map(p -> p.getFileName().toString()).sorted().toList());
        } catch (java.nio.file.NoSuchFileException e) {
            assertEquals(0, names.length);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void hashRuleAndVerify() throws IOException {
        assertEquals("f37072fd", WeightCache.hashPrefix("resnet18-f37072fd.pth"));
        assertEquals("7f5810bc", WeightCache.hashPrefix("efficientnet_b0_rwightman-7f5810bc.pth"));
        assertNull(WeightCache.hashPrefix("mine.pth"));
        assertNull(WeightCache.hashPrefix("model-ABCD.pth"), "upper case is not a hash");
        Path good = Files.writeString(cacheDir.resolve("x-" + ABC_SHA256.substring(0, 10) + ".bin"), "abc");
        assertEquals(ABC_SHA256, WeightCache.sha256(good));
        assertTrue(WeightCache.verify(good).ok());
        Path bad = Files.writeString(cacheDir.resolve("x-deadbeef.bin"), "abc");
        assertFalse(WeightCache.verify(bad).ok());
        assertEquals("deadbeef", WeightCache.verify(bad).expectedPrefix());
        Path plain = Files.write(cacheDir.resolve("plain.bin"), "abc".getBytes(StandardCharsets.US_ASCII));
        assertTrue(WeightCache.verify(plain).ok());
    }

    @Test
    void cacheDirectoryFollowsTorch() {
        String home = "/home/u";
        assertEquals(Path.of("/home/u/.cache/torch/hub/checkpoints"), WeightCache.defaultDir(k -> null, home));
        assertEquals(Path.of("/x/torch/hub/checkpoints"),
                WeightCache.defaultDir(Map.of("XDG_CACHE_HOME", "/x")::get, home));
        assertEquals(Path.of("/t/hub/checkpoints"),
                WeightCache.defaultDir(Map.of("XDG_CACHE_HOME", "/x", "TORCH_HOME", "/t")::get, home));
        assertEquals(Path.of("/home/u/th/hub/checkpoints"), WeightCache.defaultDir(Map.of("TORCH_HOME", "~/th")::get, home));
        assertEquals(Path.of("/home/u/.cache/torch/hub/checkpoints"),
                WeightCache.defaultDir(Map.of("TORCH_HOME", "")::get, home));
    }
}
