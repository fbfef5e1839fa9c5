package dev.graft.testutil;

import dev.graft.nn.Rng;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Seeds Graft's random numbers ({@link Rng}, which model initialisation draws from) before
 * every test, from the test's name: a test then sees the same numbers whether it runs alone
 * or after others on the same thread. Registered for all tests through
 * {@code META-INF/services} and {@code junit-platform.properties}; a test that seeds itself
 * still wins.
 */
public final class SeedEachTest implements BeforeEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        Rng.manualSeed(context.getUniqueId().hashCode());
    }
}
