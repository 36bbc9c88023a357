package dev.cachekit.tck;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreTagger;
import java.time.Duration;
import java.util.Optional;

/**
 * How the TCK reaches a backend under test. A backend's test class returns one from its
 * contract's {@code fixture()} method; the servers behind it are started once (for example in a
 * static field) and shared by every test.
 *
 * <p>Every backend the fixture opens sees the same data: {@link #open()} is one client ("node"),
 * {@link #openSecond()} is another, independent one (its own connection, or another cluster
 * member), for contention tests across processes.
 */
public interface BackendFixture {

    /**
     * A short name for test reports: {@code redis standalone}. The kit calls it while it discovers
     * the tests (to name them), so it must be cheap and must not start servers.
     *
     * @return the name
     */
    String name();

    /**
     * Opens a new client of the backend. The TCK closes it after the test.
     *
     * @return a backend over the shared data
     */
    Backend open();

    /**
     * Opens a client independent of those {@link #open()} returns: another connection pool,
     * another cluster member. The default is {@link #open()}, for backends where every open is
     * already independent.
     *
     * @return a backend over the same data
     */
    default Backend openSecond() {
        return open();
    }

    /**
     * Reads a store key behind the cache's back, with the backend's native client where there is
     * one.
     *
     * @param key the store key, as the cache wrote it
     * @return the raw bytes, or {@code null} if absent
     */
    byte[] rawGet(String key);

    /**
     * Deletes a store key behind the cache's back, as an eviction would.
     *
     * @param key the store key
     */
    void rawDelete(String key);

    /**
     * The time a store key has left before it expires, read behind the cache's back ({@code PTTL},
     * memcached's {@code mg KEY t}, an {@code EntryView}): how the kit checks that a write gave the
     * TTL it was asked for, including TTLs of months and years that no test can wait out.
     *
     * <p>The default throws {@link UnsupportedOperationException}: the tests that read TTLs back are
     * then skipped, saying so.
     *
     * @param key the store key
     * @return empty if the key never expires; {@link Duration#ZERO} if it is absent; else the time
     *     left (to the precision the server reports)
     */
    default Optional<Duration> rawTtl(String key) {
        throw new UnsupportedOperationException(name() + " does not report TTLs");
    }

    /** Removes every key, so each test starts from an empty store. Called before each test. */
    void reset();

    /**
     * Builds a backend like {@code opened} whose store calls go through {@code store}, a decorator
     * the TCK wraps around {@code opened.store()} (a {@link dev.cachekit.tck.CountingStore}) to count round trips.
     * The returned backend closes {@code opened} when it is closed.
     *
     * <p>The default puts a {@link StoreTagger} over {@code store} when {@code opened} uses one, so
     * the tagger's calls are counted too, and keeps {@code opened}'s locker (its calls are counted by
     * the TCK at the {@code Locker} level). A backend whose tagger is its own overrides this to build
     * that tagger over {@code store}; otherwise the tests that count a tagger's store calls are
     * skipped, saying so. The invalidation channel, if {@code opened} has one, is kept (and closed
     * with {@code opened}).
     *
     * @param opened a backend this fixture opened
     * @param store a decorator of {@code opened.store()}
     * @return the backend over the decorated store
     */
    default Backend overStore(Backend opened, Store store) {
        Backend.Builder builder = Backend.builder(store).locker(opened.locker()).closeWith(opened);
        builder.tagger(opened.tagger() instanceof StoreTagger ? new StoreTagger(store) : opened.tagger());
        opened.invalidations().ifPresent(builder::invalidations);
        return builder.build();
    }

    /**
     * Makes every key that has a TTL expire now, as if the server had sat idle past every lease, or
     * restarted empty except for the keys that never expire. The lock tests use it to check that
     * fencing counters carry no TTL. The default throws {@link UnsupportedOperationException}, and
     * those tests are skipped, saying so.
     */
    default void rawExpireKeysWithTtl() {
        throw new UnsupportedOperationException("the fixture cannot expire keys with a TTL");
    }

    /**
     * A backend like {@code opened} whose <em>locker</em> makes its store calls through {@code
     * store}, a wrapper that lets another client act between two of the locker's calls (the
     * adversarial release race). Return {@code null} when the locker does not work over a {@link
     * Store} (its lock operations are single native commands); the race test is then skipped. The
     * default returns {@code null}.
     *
     * @param opened a backend this fixture opened; the returned backend closes it
     * @param store a wrapper of {@code opened.store()}
     * @return the backend whose locker goes through {@code store}, or {@code null}
     */
    default Backend lockerOverStore(Backend opened, Store store) {
        return null;
    }

    /**
     * Stops and starts the servers behind this fixture, for the outage tests: what the cache does
     * while its store is down, and that it caches again once the store is back. The default is
     * empty, and those tests are skipped, saying so. A fixture whose servers are shared with tests
     * running at the same time must not offer it.
     *
     * @return the control of this fixture's servers, or empty if it has none
     */
    default Optional<ServerControl> server() {
        return Optional.empty();
    }

    /**
     * Whether the caches the contracts build put a near cache ({@code near=on}) in front of this
     * fixture's backend, to run the contracts through it. The default is {@code false}.
     *
     * @return {@code true} to build every contract's cache with {@code near(true)}
     */
    default boolean nearCache() {
        return false;
    }
}
