package dev.cachekit.memory;

import dev.cachekit.spi.LockSignal;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

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
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();
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

    /** Removes every entry (and every lock and tag version) from the space. */
    public void clear() {
        entries.clear();
    }

    private final class Signal implements LockSignal {
        @Override
        public void publish(String key) {
            Set<Runnable> waiting = listeners.get(key);
            if (waiting != null) {
                waiting.forEach(Runnable::run);
            }
        }

        @Override
        public Subscription subscribe(String key, Runnable onRelease) {
            listeners.compute(key, (k, set) -> {
                Set<Runnable> waiting = set != null ? set : new CopyOnWriteArraySet<>();
                waiting.add(onRelease);
                return waiting;
            });
            return () -> listeners.computeIfPresent(key, (k, set) -> {
                set.remove(onRelease);
                return set.isEmpty() ? null : set;
            });
        }

        @Override
        public void close() {}
    }
}
