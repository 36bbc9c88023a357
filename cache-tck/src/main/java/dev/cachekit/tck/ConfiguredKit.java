package dev.cachekit.tck;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The four contracts bound to a fixture chosen at run time, for running the kit programmatically
 * (the command-line runner, the kit's own self-test) rather than from a backend's test class.
 */
final class ConfiguredKit {

    /** The contract classes, in the order a summary lists them. */
    static final List<Class<?>> CONTRACTS = List.of(StoreKit.class, TaggerKit.class, LockerKit.class, CacheKit.class);

    private static volatile Supplier<? extends BackendFixture> fixtures;

    private ConfiguredKit() {}

    /**
     * Binds the contracts to {@code fixtures}; each test calls it once for its fixture, so a
     * supplier of fresh fixtures isolates tests running in parallel.
     */
    static void use(Supplier<? extends BackendFixture> fixtures) {
        ConfiguredKit.fixtures = Objects.requireNonNull(fixtures, "fixtures");
    }

    /** The contract class a kit class runs: {@code StoreContract} for {@link StoreKit}. */
    static String contractName(Class<?> kit) {
        return kit.getSuperclass().getSimpleName();
    }

    private static BackendFixture fixture() {
        Supplier<? extends BackendFixture> current = fixtures;
        if (current == null) {
            throw new IllegalStateException(
                    "no fixture is bound: run these contracts through TckRunner, or extend them in a test class");
        }
        return current.get();
    }

    static final class StoreKit extends StoreContract {
        @Override
        protected BackendFixture fixture() {
            return ConfiguredKit.fixture();
        }
    }

    static final class TaggerKit extends TaggerContract {
        @Override
        protected BackendFixture fixture() {
            return ConfiguredKit.fixture();
        }
    }

    static final class LockerKit extends LockerContract {
        @Override
        protected BackendFixture fixture() {
            return ConfiguredKit.fixture();
        }
    }

    static final class CacheKit extends CacheContract {
        @Override
        protected BackendFixture fixture() {
            return ConfiguredKit.fixture();
        }
    }
}
