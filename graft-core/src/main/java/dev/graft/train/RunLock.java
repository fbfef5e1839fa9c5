package dev.graft.train;

import dev.graft.GraftException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock that makes a run directory belong to one process at a time: {@code DIR/.lock}, held
 * with an operating-system file lock ({@link FileChannel#tryLock}) for as long as a train,
 * resume or evaluation writes there, and holding "pid host started command" so a refusal can
 * name who holds it. The operating system releases the lock when its process dies (even by
 * {@code kill -9}), so a lock left by a dead process is simply taken over. A release deletes
 * the file (while still holding it), so a finished run keeps no {@code .lock}; a process that
 * opened the file just before it was deleted would lock a file no longer in the folder, so
 * {@link #acquire} checks after locking that the name still leads to the file it locked (its
 * {@code fileKey}) and starts over when it does not.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";

    /**
     * Directories this JVM holds, with their holder line: checked before the file, because on
     * POSIX closing any channel of a file drops every lock this process has on it.
     */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    /** Attempts when the lock file is deleted under an acquirer (a holder releasing at that moment). */
    private static final int ATTEMPTS = 10;

    private final Path key;
    private final Path file;
    private final Object fileKey;
    private final FileChannel channel;
    private final FileLock lock;
    private final String previous;

    private RunLock(Path key, Path file, Object fileKey, FileChannel channel, FileLock lock, String previous) {
        this.key = key;
        this.file = file;
        this.fileKey = fileKey;
        this.channel = channel;
        this.lock = lock;
        this.previous = previous;
    }

    /**
     * Locks {@code dir} (creating it) for {@code command}; one sentence naming the holder when
     * another process (or another run in this one) has it.
     */
    public static RunLock acquire(Path dir, String command) {
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            Path key = dir.toRealPath();
            String mine = line(command);
            String other = HELD.putIfAbsent(key, mine);
            if (other != null) throw new GraftException(dir + " is in use by " + describe(other) + busy());
            Path file = dir.resolve(FILE);
            for (int attempt = 1; ; attempt++) {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                Object opened = fileKey(file);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException sameProcess) {
                    lock = null;
                }
                String holder = read(ch);
                if (lock == null) {
                    HELD.remove(key);
                    ch.close();
                    throw new GraftException(dir + " is in use by " + describe(holder) + busy());
                }
                if (opened == null || !opened.equals(fileKey(file))) { // its holder deleted it as we opened it
                    ch.close();
                    ch = null;
                    if (attempt == ATTEMPTS) throw new IOException("its lock file keeps being replaced");
                    continue;
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(mine.getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(false);
                return new RunLock(key, file, opened, ch, lock, holder.isBlank() ? null : holder);
            }
        } catch (IOException e) {
            try {
                HELD.remove(dir.toRealPath());
            } catch (IOException ignored) {
                // the directory could not even be created
            }
            try {
                if (ch != null) ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new GraftException("cannot lock the run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Who held the lock before this process took it over, or null: a holder that ends cleanly
     * deletes the file (or empties it, where it cannot), so a name left in it is a process that died.
     */
    public String takenOverFrom() { return previous == null ? null : describe(previous); }

    /** Whether some process holds the lock of {@code dir} now (false when it has none). */
    public static boolean isHeld(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return false;
        try {
            if (HELD.containsKey(dir.toRealPath())) return true;
        } catch (IOException e) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try (FileLock l = ch.tryLock()) {
                return l == null;
            } catch (OverlappingFileLockException sameProcess) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** "process 1234 on host (graft train ...)": the holder as recorded in the lock file. */
    static String describe(String holder) {
        String[] f = holder.strip().split(" ", 4);
        if (f.length < 2 || f[0].isEmpty()) return "another process";
        return "process " + f[0] + " on " + f[1] + (f.length == 4 ? " (" + f[3] + ")" : "");
    }

    /**
     * Releases the lock and deletes the file, while still holding it and only when the name still
     * leads to it (a run that failed before it began may have removed its whole folder already).
     */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            if (fileKey.equals(fileKey(file))) Files.deleteIfExists(file);
        } catch (IOException e) {
            // left emptied, as a release without deletion would: the next holder takes it over quietly
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process is ending this run anyway; the OS drops the lock with the channel
        } finally {
            HELD.remove(key);
        }
    }

    /**
     * What identifies the file the name leads to now (device and inode on POSIX; read without
     * opening it, which would drop this process's lock), null when there is none; on a system
     * without file keys, the name itself, so the checks always pass.
     */
    private static Object fileKey(Path file) throws IOException {
        try {
            Object k = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            return k != null ? k : file;
        } catch (java.nio.file.NoSuchFileException gone) {
            return null;
        }
    }

    private static String busy() { return "; wait for it to finish or stop it first."; }

    private static String line(String command) {
        return ProcessHandle.current().pid() + " " + host() + " " + Instant.now() + " "
                + (command == null || command.isBlank() ? "graft" : command.replace('\n', ' ')) + "\n";
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
