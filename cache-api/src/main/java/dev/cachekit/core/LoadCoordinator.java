package dev.cachekit.core;

import dev.cachekit.CacheException;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheLoadException;
import dev.cachekit.CacheLoadTimeoutException;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.Loader;
import dev.cachekit.Lookup;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.StoreException;
import dev.cachekit.codec.CodecTypes;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backoff;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load path of {@code getOrLoad}: one loading thread per key in this JVM (the others join its
 * result), the key's distributed load lock, waiting for another node's load, and the load-timeout
 * policy.
 */
final class LoadCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadCoordinator.class);

    /** One entry as {@code getOrLoad} sees it: read it, and write a loaded value with its TTL. */
    interface Entry<T> {
        Lookup<T> read();

        void write(T value);

        /** Writes a value whose load took {@code loadMillis}, which the entry records. */
        default void write(T value, long loadMillis) {
            write(value);
        }

        /** The first read was a hit and its value is returned: where refresh-ahead decides. */
        default void served() {}
    }

    private final Locker locker;
    private final KeyLayout layout;
    private final LockRenewals renewals;
    private final DefaultCache.Settings settings;
    private final Events events;
    private final ConcurrentHashMap<String, Flight> loading = new ConcurrentHashMap<>();

    /** A key being loaded in this JVM: the thread loading it, and its result for the callers that join. */
    record Flight(Thread loader, CompletableFuture<Object> result) {}

    LoadCoordinator(
            Locker locker, KeyLayout layout, LockRenewals renewals, DefaultCache.Settings settings, Events events) {
        this.locker = locker;
        this.layout = layout;
        this.renewals = renewals;
        this.settings = settings;
        this.events = events;
    }

    /**
     * The keys being loaded in this JVM, by store key: shared with {@link BulkLoads}, so a bulk load
     * and a single-key load of one key join each other instead of loading it twice.
     */
    ConcurrentHashMap<String, Flight> flights() {
        return loading;
    }

    /**
     * Returns the entry's value, loading it once cluster-wide on a miss.
     *
     * @param key the caller's key, for events and messages
     * @param storeKey the entry's store key: the single flight is per store key, whatever the view
     */
    <T> T getOrLoad(String key, String storeKey, Class<T> type, Entry<T> entry, Loader<? extends T> loader) {
        boolean storeFailed = false;
        try {
            Lookup<T> first = read(key, entry);
            if (first.isHit()) {
                entry.served();
                return first.value();
            }
        } catch (StoreException e) {
            survive("get", key, e);
            storeFailed = true;
        }
        long deadline = System.nanoTime() + settings.loadTimeout().toNanos();
        Flight mine = new Flight(Thread.currentThread(), new CompletableFuture<>());
        Flight leader = loading.putIfAbsent(storeKey, mine);
        if (leader != null) {
            if (leader.loader() == Thread.currentThread()) {
                // Waiting for itself would only end at the load timeout, and then blame another caller.
                throw new RecursiveLoadException(key);
            }
            events.tell(l -> l.joinedLoad(key));
            return follow(leader.result(), key, storeKey, type, entry, loader, deadline);
        }
        try {
            // With the store failing, the lock is out of reach too: load at once, alone in this JVM.
            T value = storeFailed ? loadAndPut(key, entry, loader) : lead(key, entry, loader, deadline);
            mine.result().complete(value);
            return value;
        } catch (Throwable t) {
            mine.result().completeExceptionally(t);
            throw t;
        } finally {
            loading.remove(storeKey, mine);
        }
    }

    /** A read reported to the listener with its outcome and duration. */
    private <T> Lookup<T> read(String key, Entry<T> entry) {
        long started = System.nanoTime();
        Lookup<T> found = entry.read();
        CacheListener.ReadResult result = Events.resultOf(found);
        Duration took = Events.since(started);
        events.tell(l -> l.read(key, result, took));
        return found;
    }

    /** Waits for this JVM's loading thread of the same key. */
    private <T> T follow(
            CompletableFuture<Object> leader,
            String key,
            String storeKey,
            Class<T> type,
            Entry<T> entry,
            Loader<? extends T> loader,
            long deadline) {
        long joined = System.nanoTime();
        try {
            Object value = leader.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            waited(key, joined, true);
            return CodecTypes.cast(value, type);
        } catch (TimeoutException e) {
            waited(key, joined, false);
            return onTimeout(key, entry, loader);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("interrupted while waiting for key '" + key + "' to be loaded", e);
        } catch (ExecutionException e) {
            waited(key, joined, false);
            Throwable cause = e.getCause();
            if (cause instanceof LoadInterruptedException) {
                // Only the loading thread was interrupted, not this one: go on without it.
                return getOrLoad(key, storeKey, type, entry, loader);
            }
            if (cause instanceof CacheLoadException loadFailure) {
                throw new CacheLoadException(key, loadFailure.getCause());
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new CacheException("loading key '" + key + "' failed", cause);
        }
    }

    /** The distributed part: lock, re-check, load, put, release; or wait for the holder. */
    private <T> T lead(String key, Entry<T> entry, Loader<? extends T> loader, long deadline) {
        String lockKey = layout.loadLock(key);
        Backoff backoff = new Backoff();
        long waitingSince = 0;
        boolean waiting = false;
        while (true) {
            Optional<LockLease> lease;
            try {
                lease = locker.tryAcquire(lockKey, settings.lockLease());
            } catch (StoreException e) {
                if (waiting) {
                    waited(key, waitingSince, false);
                }
                survive("lock", key, e);
                return loadAndPut(key, entry, loader);
            }
            if (lease.isPresent()) {
                if (waiting) {
                    waited(key, waitingSince, false);
                }
                events.tell(l -> l.lockAcquired(key));
                LoadLock held = new LoadLock(locker, lease.get());
                LeaseWatchdog watchdog = null;
                try {
                    // Inside the try: if the cache is closing and the watchdog cannot start,
                    // the lock is still released rather than left to its lease.
                    renewals.hold(held);
                    watchdog = renewals.watch(locker, lease.get(), settings.lockLease(), null);
                    Lookup<T> again = readOrSurvive(key, entry);
                    if (again.isHit()) {
                        return again.value();
                    }
                    return loadAndPut(key, entry, loader, held);
                } finally {
                    if (watchdog != null) {
                        watchdog.stop();
                    }
                    renewals.forget(held);
                    held.close();
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (waiting) {
                    waited(key, waitingSince, false);
                }
                return onTimeout(key, entry, loader);
            }
            if (!waiting) {
                waiting = true;
                waitingSince = System.nanoTime();
                events.tell(l -> l.waitingForHolder(key));
            }
            Duration wait = locker.signalsRelease() ? Backoff.SIGNAL_SAFETY_WAIT : backoff.next();
            Lookup<T> again;
            try {
                locker.awaitRelease(lockKey, Duration.ofNanos(Math.min(left, wait.toNanos())));
                again = read(key, entry);
            } catch (InterruptedException e) {
                waited(key, waitingSince, false);
                Thread.currentThread().interrupt();
                throw new LoadInterruptedException(key, e);
            } catch (StoreException e) {
                waited(key, waitingSince, false);
                survive("get", key, e);
                return loadAndPut(key, entry, loader);
            }
            if (again.isHit()) {
                waited(key, waitingSince, true);
                return again.value();
            }
        }
    }

    private void waited(String key, long sinceNanos, boolean gotValue) {
        Duration took = Events.since(sinceNanos);
        events.tell(l -> l.waited(key, took, gotValue));
    }

    private <T> T onTimeout(String key, Entry<T> entry, Loader<? extends T> loader) {
        if (settings.loadTimeoutPolicy() == LoadTimeoutPolicy.FAIL) {
            throw new CacheLoadTimeoutException(key, settings.loadTimeout());
        }
        Lookup<T> last = readOrSurvive(key, entry);
        return last.isHit() ? last.value() : loadAndPut(key, entry, loader);
    }

    /** A read whose store error, under {@link StoreErrorPolicy#LOAD}, counts as a miss. */
    private <T> Lookup<T> readOrSurvive(String key, Entry<T> entry) {
        try {
            return entry.read();
        } catch (StoreException e) {
            survive("get", key, e);
            return Lookup.miss();
        }
    }

    /**
     * A store error on the load path: thrown on under {@link StoreErrorPolicy#FAIL}; reported and
     * logged under {@link StoreErrorPolicy#LOAD}, where the caller goes on to load.
     */
    private void survive(String operation, String key, StoreException error) {
        if (settings.storeErrorPolicy() == StoreErrorPolicy.FAIL) {
            events.storeErrorThrown(operation, key, error);
            throw error;
        }
        events.storeErrorSurvived(operation, key, error);
    }

    private <T> T loadAndPut(String key, Entry<T> entry, Loader<? extends T> loader) {
        return loadAndPut(key, entry, loader, null);
    }

    /**
     * Loads and writes the value; with {@code held} the load lock it loads under, which the cache's
     * close may have given up meanwhile: the value is then returned but not written.
     */
    private <T> T loadAndPut(String key, Entry<T> entry, Loader<? extends T> loader, LoadLock held) {
        T value;
        long started = System.nanoTime();
        try {
            value = loader.load();
        } catch (Exception e) {
            events.tell(l -> l.loadFailed(key, e));
            if (e instanceof RecursiveLoadException recursive) {
                throw recursive;
            }
            throw new CacheLoadException(key, e);
        }
        Duration took = Events.since(started);
        events.tell(l -> l.loaded(key, took));
        if (held != null && held.released()) {
            LOG.debug("the cache closed while key {} was loading; the loaded value is returned, not written", key);
            return value;
        }
        try {
            entry.write(value, took.toMillis());
        } catch (StoreException e) {
            // Under LOAD the value is returned all the same; only the cache missed out.
            survive("store-loaded", key, e);
            return value;
        }
        events.tell(l -> l.stored(key));
        return value;
    }

    /** A loader asked, on its own thread, for a key that thread is loading. */
    static final class RecursiveLoadException extends CacheException {
        private static final long serialVersionUID = 1L;

        RecursiveLoadException(String key) {
            super("getOrLoad of key " + Printable.quote(key) + " was called by the thread that is loading that key"
                    + " (its loader, directly or through other loads, asks for the key it loads); it would wait"
                    + " for itself, so it fails at once. Return the value from the loader instead");
        }
    }

    /** The thread loading a key was interrupted: its own failure, which callers that joined it skip. */
    static final class LoadInterruptedException extends CacheException {
        private static final long serialVersionUID = 1L;

        LoadInterruptedException(String key, InterruptedException cause) {
            super("interrupted while waiting for key '" + key + "' to be loaded", cause);
        }
    }
}
