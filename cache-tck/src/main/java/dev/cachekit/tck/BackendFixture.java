package dev.cachekit.tck;

import dev.cachekit.spi.Backend;

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
     * A short name for test reports: {@code redis standalone}.
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

    /** Removes every key, so each test starts from an empty store. Called before each test. */
    void reset();
}
