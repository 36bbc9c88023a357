package dev.cachekit.tck;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The kit bound to a fixture chosen at run time, for running it from code ({@link Tck#run}, the
 * command-line runner, the kit's own self-test) rather than from a backend's test class.
 */
final class ConfiguredKit {

    private static volatile Supplier<? extends BackendFixture> fixtures;

    private ConfiguredKit() {}

    /**
     * Binds {@link Bound} to {@code fixtures}; each test calls it once for its fixture, so a
     * supplier of fresh fixtures isolates tests running in parallel.
     */
    static void use(Supplier<? extends BackendFixture> fixtures) {
        ConfiguredKit.fixtures = Objects.requireNonNull(fixtures, "fixtures");
    }

    private static BackendFixture fixture() {
        Supplier<? extends BackendFixture> current = fixtures;
        if (current == null) {
            throw new IllegalStateException(
                    "no fixture is bound: run the kit through Tck.run(fixture), or extend Tck in a test class");
        }
        return current.get();
    }

    /** The whole kit against the bound fixture. */
    static final class Bound extends Tck {
        @Override
        protected BackendFixture fixture() {
            return ConfiguredKit.fixture();
        }
    }
}
