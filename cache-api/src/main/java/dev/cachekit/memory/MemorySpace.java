package dev.cachekit.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.memory.MemoryStore.Item;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.LockWaiters;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;

/**
 * The data of the {@code memory:} backend, shared by every {@link MemoryStore} opened on it: the
 * in-process stand-in for one server. A named space ({@code memory://orders}) is shared across the
 * JVM and lives as long as the JVM ({@link #clear()} empties it); {@code memory:} alone opens a
 * private one, dropped with its store.
 *
 * <p>The data lives in two Caffeine caches. Entries, tag versions and any key written through the
 * raw store are held within the space's {@link MemoryBounds} (10,000 entries and 64 MiB unless told
 * otherwise): a write that passes a bound evicts what is least likely to be read again. Locks and
 * fencing counters ({@link KeyLayout.Kind#LOAD_LOCK}, {@link KeyLayout.Kind#LOCK}, {@link
 * KeyLayout.Kind#FENCE}) live apart and are never evicted to make room: a held lock stays held until
 * it is released or its lease ends, and fencing tokens never go back. Either cache drops an entry
 * whose TTL ran out within a couple of seconds, by a scheduler thread, whether or not anyone
 * writes; a read never returns an expired entry, however recent the expiry.
 *
 * <p>An evicted tag version is safe: tag versions are random, so the version a later write creates is
 * never the one an evicted entry recorded, and the entries of an evicted tag simply stop being hits.
 *
 * <p>Also carries the in-process {@link LockSignal} for locks on this space. Thread-safe.
 */
public final class MemorySpace {

    private static final Map<String, MemorySpace> NAMED = new ConcurrentHashMap<>();

    private final String name;
    private final MemoryBounds bounds;
    private final Cache<String, Item> entries;
    private final Cache<String, Item> pinned;
    private final ConcurrentMap<String, Item> entryMap;
    private final ConcurrentMap<String, Item> pinnedMap;
    private final LockSignal signal = new Signal();

    private MemorySpace(String name, MemoryBounds bounds) {
        this.name = name;
        this.bounds = Objects.requireNonNull(bounds, "bounds");
        this.entries = Caffeine.newBuilder()
                .maximumWeight(bounds.maxBytes())
                .weigher((String key, Item item) -> bounds.weigh(key, item.value()))
                .expireAfter(ItemExpiry.INSTANCE)
                .scheduler(Expirer.SCHEDULER)
                // Maintenance (eviction, expiry) runs on the writing thread or the expiry thread,
                // never on a pool shared with the application, and keeps the bounds tight.
                .executor(Runnable::run)
                .build();
        this.pinned = Caffeine.newBuilder()
                .expireAfter(ItemExpiry.INSTANCE)
                .scheduler(Expirer.SCHEDULER)
                .executor(Runnable::run)
                .build();
        this.entryMap = entries.asMap();
        this.pinnedMap = pinned.asMap();
    }

    /**
     * A new private space with the default bounds, seen only by the stores given it.
     *
     * @return the space
     */
    public static MemorySpace createPrivate() {
        return createPrivate(MemoryBounds.DEFAULT);
    }

    /**
     * A new private space with these bounds, seen only by the stores given it.
     *
     * @param bounds how much it keeps
     * @return the space
     */
    public static MemorySpace createPrivate(MemoryBounds bounds) {
        return new MemorySpace("", bounds);
    }

    /**
     * The JVM-wide space of this name, created with the default bounds if no one opened it yet;
     * whatever bounds it was created with otherwise.
     *
     * @param name the name
     * @return the space
     */
    public static MemorySpace named(String name) {
        checkName(name);
        return NAMED.computeIfAbsent(name, n -> new MemorySpace(n, MemoryBounds.DEFAULT));
    }

    /**
     * The JVM-wide space of this name, created with these bounds if no one opened it yet.
     *
     * @param name the name
     * @param bounds how much it keeps
     * @return the space
     * @throws CacheConfigurationException if the space is already open with other bounds
     */
    public static MemorySpace named(String name, MemoryBounds bounds) {
        checkName(name);
        Objects.requireNonNull(bounds, "bounds");
        MemorySpace space = NAMED.computeIfAbsent(name, n -> new MemorySpace(n, bounds));
        if (!space.bounds.equals(bounds)) {
            throw new CacheConfigurationException("memory://" + name + " is already open with " + space.bounds
                    + ", not " + bounds + "; open it with the same bounds, or without any to share it as it is");
        }
        return space;
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a shared memory space needs a name, as in memory://orders");
        }
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
     * How much the space keeps.
     *
     * @return its bounds
     */
    public MemoryBounds bounds() {
        return bounds;
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
     * How many keys the space holds (entries, tag versions, locks and fencing counters), as its
     * caches count them: an entry evicted or expired a moment ago may still be counted until the
     * caches' maintenance (run by writes and by the expiry scheduler) removes it. Counting removes
     * nothing.
     *
     * @return the number of keys held
     */
    public long size() {
        return entries.estimatedSize() + pinned.estimatedSize();
    }

    /**
     * Drops every key that has a TTL, as if all of them had expired at once: what a server looks
     * like after every lease ran out, with only the keys that never expire (fencing counters, tag
     * versions written without TTL) left. For tests of what must survive that.
     */
    public void expireKeysWithTtl() {
        entryMap.values().removeIf(item -> item.expiresAtNanos() != Long.MAX_VALUE);
        pinnedMap.values().removeIf(item -> item.expiresAtNanos() != Long.MAX_VALUE);
    }

    /** Removes every entry (and every lock and tag version) from the space. */
    public void clear() {
        entries.invalidateAll();
        pinned.invalidateAll();
    }

    /** The map holding {@code key}: locks and fencing counters apart from the bounded entries. */
    ConcurrentMap<String, Item> mapFor(String key) {
        KeyLayout.Kind kind = KeyLayout.kindOf(key);
        return kind == KeyLayout.Kind.LOCK || kind == KeyLayout.Kind.FENCE || kind == KeyLayout.Kind.LOAD_LOCK
                ? pinnedMap
                : entryMap;
    }

    /** Runs the caches' pending maintenance (evictions, expiries) now. */
    void cleanUp() {
        entries.cleanUp();
        pinned.cleanUp();
    }

    /** The weight of the bounded entries, in {@link MemoryBounds} bytes. */
    long weighedBytes() {
        return entries.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** How many keys the bounded cache holds (entries, tag versions, raw keys). */
    long boundedSize() {
        return entries.estimatedSize();
    }

    /** Each item expires at its own deadline; a read does not move it. */
    private enum ItemExpiry implements Expiry<String, Item> {
        INSTANCE;

        @Override
        public long expireAfterCreate(String key, Item item, long currentTime) {
            return item.nanosLeft(currentTime);
        }

        @Override
        public long expireAfterUpdate(String key, Item item, long currentTime, long currentDuration) {
            return item.nanosLeft(currentTime);
        }

        @Override
        public long expireAfterRead(String key, Item item, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /**
     * One daemon thread for every space in the JVM, woken when the next entry is due to expire (to
     * within about a second, Caffeine's timer wheel): it removes expired entries even when nobody
     * writes. Started with the first space.
     */
    private static final class Expirer {
        static final Scheduler SCHEDULER =
                Scheduler.forScheduledExecutorService(Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, "cachekit-memory-expiry");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    /** Releases reach this process's waiters directly; {@link #close()} does nothing. */
    private static final class Signal extends LockWaiters {
        @Override
        public void publish(String key) {
            deliver(key);
        }
    }
}
