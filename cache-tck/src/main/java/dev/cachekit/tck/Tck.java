package dev.cachekit.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Nested;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The whole kit for one fixture: every contract, as a {@code @Nested} group named after the
 * fixture. A backend needs one test class per fixture:
 *
 * <pre>{@code
 * class MyStoreTckTest extends Tck {
 *     private static final BackendFixture FIXTURE = new MyFixture();
 *
 *     @Override
 *     protected BackendFixture fixture() {
 *         return FIXTURE;
 *     }
 * }
 * }</pre>
 *
 * <p>Groups report as {@code my store: Store: Expiry}, with {@link BackendFixture#name()} first, so
 * two fixtures in one module never share a name. {@link #run(BackendFixture)} runs the same tests
 * from code (the command-line {@link TckRunner} does) and returns a {@link TckReport}.
 */
@DisplayNameGeneration(FixtureNames.class)
public abstract class Tck {

    /** Creates the kit; subclasses supply the fixture. */
    protected Tck() {}

    /**
     * The backend under test, the same object for every test of the class (start its servers
     * lazily, keep it in a static field). Called while tests are discovered, to name them.
     *
     * @return the fixture
     */
    protected abstract BackendFixture fixture();

    /** The {@link StoreContract} against this kit's fixture. */
    @Nested
    public class StoreTests extends StoreContract {
        /** Binds the contract to the kit's fixture. */
        public StoreTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link TaggerContract} against this kit's fixture. */
    @Nested
    public class TaggerTests extends TaggerContract {
        /** Binds the contract to the kit's fixture. */
        public TaggerTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link LockerContract} against this kit's fixture. */
    @Nested
    public class LockerTests extends LockerContract {
        /** Binds the contract to the kit's fixture. */
        public LockerTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link CacheContract} against this kit's fixture. */
    @Nested
    public class CacheTests extends CacheContract {
        /** Binds the contract to the kit's fixture. */
        public CacheTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link KeyContract} against this kit's fixture. */
    @Nested
    public class KeyTests extends KeyContract {
        /** Binds the contract to the kit's fixture. */
        public KeyTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link OutageContract} against this kit's fixture. */
    @Nested
    public class OutageTests extends OutageContract {
        /** Binds the contract to the kit's fixture. */
        public OutageTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link LockFaultContract} against this kit's fixture. */
    @Nested
    public class LockFaultTests extends LockFaultContract {
        /** Binds the contract to the kit's fixture. */
        public LockFaultTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link DamagedKeyContract} against this kit's fixture. */
    @Nested
    public class DamagedKeyTests extends DamagedKeyContract {
        /** Binds the contract to the kit's fixture. */
        public DamagedKeyTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link RefreshAheadContract} against this kit's fixture. */
    @Nested
    public class RefreshAheadTests extends RefreshAheadContract {
        /** Binds the contract to the kit's fixture. */
        public RefreshAheadTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link AsyncContract} against this kit's fixture. */
    @Nested
    public class AsyncTests extends AsyncContract {
        /** Binds the contract to the kit's fixture. */
        public AsyncTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link BulkContract} against this kit's fixture. */
    @Nested
    public class BulkTests extends BulkContract {
        /** Binds the contract to the kit's fixture. */
        public BulkTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    /** The {@link BulkLoadContract} against this kit's fixture. */
    @Nested
    public class BulkLoadTests extends BulkLoadContract {
        /** Binds the contract to the kit's fixture. */
        public BulkLoadTests() {}

        @Override
        protected BackendFixture fixture() {
            return Tck.this.fixture();
        }
    }

    // A new contract joins here, as every contract does: a @Nested public class extending it whose
    // fixture() returns Tck.this.fixture(), and an entry in TckReport.CONTRACTS.

    /**
     * Runs the whole kit against {@code fixture}, one test at a time.
     *
     * @param fixture the backend under test
     * @return what passed, failed and was skipped, per contract
     */
    public static TckReport run(BackendFixture fixture) {
        return run(fixture, 1);
    }

    /**
     * Runs the whole kit against {@code fixture} with up to {@code parallelism} tests at once (every
     * test writes under its own key prefix, so with more than one {@link BackendFixture#reset()} is
     * not called, and the one test that expires every key with a TTL and the outage tests are
     * skipped). Runs in one JVM are serialized: the fixture is bound for the duration of the run.
     *
     * @param fixture the backend under test
     * @param parallelism how many tests may run at once, at least 1
     * @return what passed, failed and was skipped, per contract
     * @throws IllegalArgumentException if {@code parallelism} is below 1
     */
    public static TckReport run(BackendFixture fixture, int parallelism) {
        Objects.requireNonNull(fixture, "fixture");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        // Tests running side by side must not empty the store under each other: each writes under its
        // own key prefix, so they do without reset().
        BackendFixture bound = parallelism == 1 ? fixture : new WithoutReset(fixture);
        synchronized (ConfiguredKit.class) {
            ConfiguredKit.use(() -> bound);
            LauncherDiscoveryRequestBuilder request =
                    LauncherDiscoveryRequestBuilder.request().selectors(selectClass(ConfiguredKit.Bound.class));
            if (parallelism > 1) {
                request.configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                        .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                        .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                        .configurationParameter(
                                "junit.jupiter.execution.parallel.config.fixed.parallelism",
                                Integer.toString(parallelism));
            }
            TckReport report = new TckReport(fixture.name());
            LauncherFactory.create().execute(request.build(), report.listener());
            return report;
        }
    }

    /**
     * A fixture for tests that run side by side: {@link #reset()} does nothing, and {@link
     * #rawExpireKeysWithTtl()} and {@link #server()} are refused (their tests are skipped, saying
     * why), since they act on every key or every server; every other method is the wrapped fixture's (a hook added to {@link BackendFixture} is
     * delegated here too).
     */
    private record WithoutReset(BackendFixture fixture) implements BackendFixture {
        @Override
        public String name() {
            return fixture.name();
        }

        @Override
        public Backend open() {
            return fixture.open();
        }

        @Override
        public Backend openSecond() {
            return fixture.openSecond();
        }

        @Override
        public byte[] rawGet(String key) {
            return fixture.rawGet(key);
        }

        @Override
        public void rawDelete(String key) {
            fixture.rawDelete(key);
        }

        @Override
        public Optional<Duration> rawTtl(String key) {
            return fixture.rawTtl(key);
        }

        @Override
        public void reset() {}

        @Override
        public Backend overStore(Backend opened, Store store) {
            return fixture.overStore(opened, store);
        }

        /** Expiring every key with a TTL would pull the entries and leases of the other tests away. */
        @Override
        public void rawExpireKeysWithTtl() {
            throw new UnsupportedOperationException(
                    "not while tests run side by side (it would expire their keys too); run with parallelism 1");
        }

        @Override
        public Backend lockerOverStore(Backend opened, Store store) {
            return fixture.lockerOverStore(opened, store);
        }

        /** Stopping the servers would fail the tests running beside the outage test. */
        @Override
        public Optional<ServerControl> server() {
            if (fixture.server().isPresent()) {
                throw new UnsupportedOperationException(
                        "not while tests run side by side (stopping the servers would fail them too); run with"
                                + " parallelism 1");
            }
            return Optional.empty();
        }
    }
}
