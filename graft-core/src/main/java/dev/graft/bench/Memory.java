package dev.graft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process as Linux reports it in /proc/self/status. */
public final class Memory {
    private Memory() {}

    /** Peak resident set size (VmHWM) in MB, or -1 where /proc is absent. */
    public static long peakRssMb() { return field("VmHWM:"); }

    /** Current resident set size (VmRSS) in MB, or -1 where /proc is absent. */
    public static long rssMb() { return field("VmRSS:"); }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
