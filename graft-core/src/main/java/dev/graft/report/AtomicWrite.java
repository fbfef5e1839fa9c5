package dev.graft.report;

import dev.graft.GraftException;
import dev.graft.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a report file atomically, turning an I/O failure into one sentence naming the file. */
final class AtomicWrite {
    private AtomicWrite() {}

    static void write(Path file, byte[] bytes) {
        try {
            AtomicFiles.write(file, bytes);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + GraftException.reason(e), e);
        }
    }
}
