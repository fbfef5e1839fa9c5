package dev.graft.testutil;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a parity test does when its reference (Python with PyTorch, a data set) is missing: on
 * a developer's machine it is skipped with the message; under {@code CI=true} (as
 * {@code .ci/run} exports) it fails, so a CI without the install step cannot be green by skipping.
 */
public final class Reference {
    private Reference() {}

    /** True when the environment says this is a CI run ({@code CI=true}). */
    public static boolean ci() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    /** Skips the test (or fails it under CI) unless {@code available}. */
    public static void require(boolean available, String message) {
        if (available) return;
        if (ci()) Assertions.fail("CI=true and the parity reference is missing: " + message);
        Assumptions.assumeTrue(false, message);
    }
}
