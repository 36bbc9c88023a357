package dev.cachekit.tck;

import dev.cachekit.core.Caches;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A fixture for any URI whose provider is on the class path: each client is a {@link
 * Providers#open(String)} of the URI, and the raw hooks go through one more plain client's store.
 *
 * <p>{@link #reset()} removes nothing, since no SPI can list a server's keys: every test writes
 * under its own random key prefix instead, so runs never see each other's data (and leave it to
 * expire or be evicted; locks and entries the kit writes carry TTLs where the test allows).
 *
 * <p>{@code memory:} alone opens a private space per client, which two clients could not share, so
 * it becomes a JVM-wide named space for the run, with the URI's options.
 */
final class UriFixture implements BackendFixture, AutoCloseable {

    private final String uri;
    private final Backend raw;

    UriFixture(String uri) {
        Backend probe = Caches.backend(uri);
        if (probe.store() instanceof MemoryStore memory && memory.space().name().isEmpty()) {
            probe.close();
            // Keep the options (bounds, prefix): only the space becomes a shared one.
            int query = uri.indexOf('?');
            uri = "memory://tck-" + UUID.randomUUID() + (query < 0 ? "" : uri.substring(query));
            probe = Caches.backend(uri);
        }
        this.uri = uri;
        this.raw = probe;
    }

    /** The URI the clients are opened with. */
    String uri() {
        return uri;
    }

    @Override
    public String name() {
        return raw.store().describe();
    }

    @Override
    public Backend open() {
        return Caches.backend(uri);
    }

    @Override
    public byte[] rawGet(String key) {
        return raw.store().get(key);
    }

    @Override
    public void rawDelete(String key) {
        raw.store().delete(key);
    }

    /** Reads the TTL where the store can tell (memory:); elsewhere the TTL tests are skipped. */
    @Override
    public Optional<Duration> rawTtl(String key) {
        if (raw.store() instanceof MemoryStore memory) {
            return memory.timeToLive(key);
        }
        return BackendFixture.super.rawTtl(key);
    }

    @Override
    public void reset() {}

    @Override
    public void close() {
        raw.close();
    }
}
