package dev.graft.io;

import dev.graft.GraftException;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weight-file cache PyTorch uses ({@code $TORCH_HOME/hub/checkpoints}), so weights a user
 * already downloaded with torchvision are found, and weights Graft downloads are found by
 * torchvision. Downloads follow {@code torch.hub.download_url_to_file}: a temporary file in the
 * cache directory, a sha256 check against the prefix in the file name
 * ({@code resnet18-f37072fd.pth}), then an atomic move into place; a failure leaves nothing
 * behind and says where to put the file by hand. Like torch, a file already in the cache is
 * used without re-hashing it (see {@link #verify(Path)}).
 */
public final class WeightCache {
    /** System property that replaces the download host (everything before the file name). */
    public static final String BASE_URL_PROPERTY = "graft.weights.url";
    /** torch/hub.py HASH_REGEX: the first match's group is a prefix of the sha256 hex digest. */
    private static final Pattern HASH_REGEX = Pattern.compile("-([a-f0-9]*)\\.");

    private final Path dir;
    private final String baseUrl;
    private int timeoutMillis = 60_000;

    /**
     * @param dir     the checkpoints directory (created when the first file is downloaded)
     * @param baseUrl if not null, files are fetched from {@code baseUrl/<fileName>} instead of
     *                their own URL (mirrors, tests)
     */
    public WeightCache(Path dir, String baseUrl) {
        this.dir = dir;
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
    }

    /** The cache PyTorch would use in this environment, with the base URL from {@value #BASE_URL_PROPERTY}. */
    public static WeightCache standard() {
        return new WeightCache(defaultDir(System::getenv, System.getProperty("user.home")),
                System.getProperty(BASE_URL_PROPERTY));
    }

    /**
     * {@code $TORCH_HOME/hub/checkpoints}, where TORCH_HOME defaults to
     * {@code $XDG_CACHE_HOME/torch}, else {@code ~/.cache/torch}; a leading {@code ~} is
     * expanded as Python's {@code expanduser} does. Empty variables count as unset.
     */
    public static Path defaultDir(Function<String, String> env, String userHome) {
        String torchHome = nonEmpty(env.apply("TORCH_HOME"));
        if (torchHome == null) {
            String xdg = nonEmpty(env.apply("XDG_CACHE_HOME"));
            torchHome = (xdg != null ? xdg : "~/.cache") + "/torch";
        }
        if (torchHome.equals("~") || torchHome.startsWith("~/")) torchHome = userHome + torchHome.substring(1);
        return Path.of(torchHome, "hub", "checkpoints");
    }

    public Path dir() { return dir; }

    /** Where {@code fileName} lives in the cache, whether or not it is there yet. */
    public Path pathOf(String fileName) { return dir.resolve(fileName); }

    /** The cached file, if present. */
    public Optional<Path> find(String fileName) {
        Path p = pathOf(fileName);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * The state dict behind a URL, from the cache or downloaded into it, like torch's
     * {@code load_state_dict_from_url}; the file may be torch.save or safetensors.
     */
    public LinkedHashMap<String, TensorData> loadStateDictFromUrl(String url, boolean progress) {
        return WeightFiles.read(fetch(url, progress));
    }

    /** {@link #fetch(String, String, String, boolean)} with the file name taken from the URL and the hash from the name. */
    public Path fetch(String url, boolean progress) {
        String path = url.replaceAll("[?#].*$", ""); // like torch: the basename of the URL's path
        return fetch(url, path.substring(path.lastIndexOf('/') + 1), null, progress);
    }

    /**
     * Returns the cached file, downloading it first if absent.
     *
     * @param sha256Prefix expected start of the sha256 hex digest; null takes it from the
     *                     file name by torch hub's rule (no check if the name has none)
     * @param progress     show a progress bar on stderr
     */
    public Path fetch(String url, String fileName, String sha256Prefix, boolean progress) {
        Optional<Path> cached = find(fileName);
        if (cached.isPresent()) return cached.get();
        String source = baseUrl != null ? baseUrl + "/" + fileName : url;
        String expected = sha256Prefix != null ? sha256Prefix : hashPrefix(fileName);
        Path target = pathOf(fileName);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = AtomicFiles.newTempFile(dir, fileName, ".partial");
            String sha = download(source, tmp, fileName, progress);
            if (expected != null && !sha.startsWith(expected)) {
                throw failure(fileName, source, "its sha256 " + sha + " does not start with " + expected
                        + ", so the download is corrupt or not the expected file");
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            return target;
        } catch (UnknownHostException e) {
            throw failure(fileName, source, "host unknown: offline?");
        } catch (java.net.ConnectException | java.net.SocketTimeoutException e) {
            throw failure(fileName, source, "no connection: offline?");
        } catch (IOException e) {
            throw failure(fileName, source, GraftException.reason(e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more we can do; the name ends in .partial so nobody mistakes it for weights
                }
            }
        }
    }

    /** Streams the URL (http, https, or file for a local mirror) into {@code tmp}; returns the sha256 hex. */
    private String download(String source, Path tmp, String fileName, boolean progress) throws IOException {
        URLConnection conn = URI.create(source).toURL().openConnection();
        conn.setConnectTimeout(timeoutMillis);
        conn.setReadTimeout(timeoutMillis);
        conn.setRequestProperty("User-Agent", "graft");
        try {
            if (conn instanceof HttpURLConnection http && http.getResponseCode() != HttpURLConnection.HTTP_OK) {
                throw failure(fileName, source, "the server answered HTTP " + http.getResponseCode()
                        + (http.getResponseMessage() != null ? " " + http.getResponseMessage() : ""));
            }
            long length = conn.getContentLengthLong();
            MessageDigest sha = sha256Digest();
            long got = 0;
            try (InputStream in = conn.getInputStream(); OutputStream out = Files.newOutputStream(tmp);
                 ProgressBar bar = progress ? progressBar(fileName, length) : null) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; got += n) {
                    out.write(buf, 0, n);
                    sha.update(buf, 0, n);
                    if (bar != null) bar.stepBy(n);
                }
            } catch (java.io.FileNotFoundException e) {
                throw failure(fileName, source, "there is no such file");
            } catch (IOException e) {
                throw failure(fileName, source, "the transfer broke off after " + got + " bytes (" + e.getMessage() + ")");
            }
            if (length >= 0 && got != length) {
                throw failure(fileName, source, "the transfer stopped after " + got + " of " + length + " bytes");
            }
            return HexFormat.of().formatHex(sha.digest());
        } finally {
            if (conn instanceof HttpURLConnection http) http.disconnect();
        }
    }

    private static ProgressBar progressBar(String fileName, long length) {
        return new ProgressBarBuilder().setTaskName(fileName).setInitialMax(length)
                .setUnit("MiB", 1 << 20).showSpeed().setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    private GraftException failure(String fileName, String url, String why) {
        return new GraftException("could not download " + url + " (" + why + "); put it at "
                + pathOf(fileName).toAbsolutePath() + ".");
    }

    /** The sha256 prefix torch hub expects for a file name, or null if the name carries none. */
    public static String hashPrefix(String fileName) {
        Matcher m = HASH_REGEX.matcher(fileName);
        return m.find() ? m.group(1) : null;
    }

    /** Checks a file against the sha256 prefix in its name (always ok if its name has none). */
    public static Verification verify(Path file) {
        return new Verification(file, hashPrefix(file.getFileName().toString()), sha256(file));
    }

    /** The outcome of {@link #verify(Path)}; {@code expectedPrefix} is null when the name has no hash. */
    public record Verification(Path file, String expectedPrefix, String sha256) {
        public boolean ok() { return expectedPrefix == null || sha256.startsWith(expectedPrefix); }
    }

    /** The sha256 hex digest of a file. */
    public static String sha256(Path file) {
        MessageDigest sha = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        } catch (IOException e) {
            throw new GraftException("Cannot read " + file + " to hash it: " + GraftException.reason(e) + ".", e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Shorter network timeouts, for tests. */
    WeightCache timeoutMillis(int millis) {
        this.timeoutMillis = millis;
        return this;
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String nonEmpty(String s) { return s == null || s.isEmpty() ? null : s; }
}
