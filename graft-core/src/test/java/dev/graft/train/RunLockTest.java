package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A released run lock leaves no {@code .lock} behind; a dead holder's file (the OS lock gone,
 * its line left) is still taken over naming it, and a release never deletes a lock file that
 * is not its own. RunDirectoryTest covers a holder in another process, killed with -9.
 */
class RunLockTest {
    @TempDir
    Path tmp;

    @Test
    void aReleasedLockLeavesNoFile() throws Exception {
        Path run = tmp.resolve("run");
        try (RunLock lock = RunLock.acquire(run, "graft train --out run")) {
            assertNull(lock.takenOverFrom());
            assertTrue(Files.readString(run.resolve(RunLock.FILE)).startsWith(ProcessHandle.current().pid() + " "));
            assertTrue(RunLock.isHeld(run));
            GraftException busy = assertThrows(GraftException.class, () -> RunLock.acquire(run, "graft clean"));
            assertTrue(busy.getMessage().contains("(graft train --out run)"), busy.getMessage());
        }
        assertFalse(Files.exists(run.resolve(RunLock.FILE)), "the lock file is removed on release");
        assertFalse(RunLock.isHeld(run));
        try (RunLock again = RunLock.acquire(run, "graft clean")) {
            assertNull(again.takenOverFrom(), "a released lock is not a dead holder's");
        }
        assertFalse(Files.exists(run.resolve(RunLock.FILE)));
    }

    @Test
    void aDeadHoldersLockIsTakenOverNamingItAndThenRemoved() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("crashed"));
        // what a killed holder leaves: its line, and no OS lock (the OS dropped it with the process)
        Files.writeString(run.resolve(RunLock.FILE), "4242 somehost 2026-11-23T10:15:00Z graft train data --out crashed\n");
        try (RunLock lock = RunLock.acquire(run, "graft train --resume crashed")) {
            assertEquals("process 4242 on somehost (graft train data --out crashed)", lock.takenOverFrom());
        }
        assertFalse(Files.exists(run.resolve(RunLock.FILE)));
    }

    @Test
    void aReleaseDeletesOnlyItsOwnFile() throws Exception {
        Path run = tmp.resolve("replaced"), gone = tmp.resolve("discarded");
        try (RunLock lock = RunLock.acquire(run, "graft train")) {
            // the name now leads to another file (its own was deleted, as a discarded run's folder is)
            Files.delete(run.resolve(RunLock.FILE));
            Files.writeString(run.resolve(RunLock.FILE), "another holder\n");
        }
        assertEquals("another holder\n", Files.readString(run.resolve(RunLock.FILE)));

        try (RunLock lock = RunLock.acquire(gone, "graft train")) {
            Files.delete(gone.resolve(RunLock.FILE));
            Files.delete(gone); // TrainingRun removes a run that failed before it began, lock file included
        }
        assertFalse(Files.exists(gone), "the release does not bring the folder back");
    }
}
