package dev.cachekit.memory;

import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.LockWaiters;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data of the {@code memory:} backend, shared by every {@link MemoryStore} opened on it: the
 * in-process stand-in for one server. A named space ({@code memory://orders}) is shared across the
 * JVM and lives as long as the JVM ({@link #clear()} empties it); {@code memory:} alone opens a
 * private one, dropped with its store.
 *
 * <p>Also carries the in-process {@link LockSignal} for locks on this space. Thread-safe.
 */
public final class MemorySpace {

    private static final Map<String, MemorySpace> NAMED = new ConcurrentHashMap<>();

    private final String name;
    final ConcurrentHashMap<String, MemoryStore.Item> entries = new ConcurrentHashMap<>();
    private final LockSignal signal = new Signal();

    private MemorySpace(String name) {
        this.name = name;
    }

    /**
     * A new private space, seen only by the stores given it.
     *
     * @return the space
     */
    public static MemorySpace createPrivate() {
        return new MemorySpace("");
    }

    /**
     * The JVM-wide space of this name, created if no open store has it.
     *
     * @param name the name
     * @return the space
     */
    public static MemorySpace named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a shared memory space needs a name, as in memory://orders");
        }
        return NAMED.computeIfAbsent(name, n -> new MemorySpace(n));
    }

    /**
     * The space's name; empty for a private space.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The in-process wake-up channel for locks in this space.
     *
     * @return the signal; closing it does nothing
     */
    public LockSignal signal() {
        return signal;
    }

    /**
     * Drops every key that has a TTL, as if all of them had expired at once: what a server looks
     * like after every lease ran out, with only the keys that never expire (fencing counters, tag
     * versions written without TTL) left. For tests of what must survive that.
     */
    public void expireKeysWithTtl() {
        entries.values().removeIf(item -> item.expiresAtNanos() != Long.MAX_VALUE);
    }

    /** Removes every entry (and every lock and tag version) from the space. */
    public void clear() {
        entries.clear();
    }

    /** Releases reach this process's waiters directly; {@link #close()} does nothing. */
    private static final class Signal extends LockWaiters {
        @Override
        public void publish(String key) {
            deliver(key);
        }
    }
}
