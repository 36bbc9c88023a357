package dev.cachekit.core;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.Lookup;
import dev.cachekit.StoreException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the cache's {@link CacheListener}, so a listener that throws never breaks the cache, and
 * logs store errors the cache goes on without at most once per interval, so an outage does not
 * flood the log.
 */
final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Cache.class);
    /** Store errors the cache survives are logged at most once per this interval. */
    static final Duration STORE_ERROR_LOG_INTERVAL = Duration.ofSeconds(10);

    private final CacheListener listener;
    private final AtomicLong lastStoreErrorLog = new AtomicLong(System.nanoTime() - STORE_ERROR_LOG_INTERVAL.toNanos());
    private final AtomicLong unloggedStoreErrors = new AtomicLong();

    Events(CacheListener listener) {
        this.listener = listener;
    }

    /** Whether a listener is set: without one, a read need not time itself nor make its event. */
    boolean listening() {
        return listener != CacheListener.NONE;
    }

    /** Tells the listener, unless there is none; an exception it throws is logged and dropped. */
    void tell(Consumer<CacheListener> event) {
        if (listener == CacheListener.NONE) {
            return;
        }
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("cache listener {} threw; ignored", listener, e);
        }
    }

    /** What a read found, as the listener hears it. */
    static CacheListener.ReadResult resultOf(Lookup<?> found) {
        return found.isMiss()
                ? CacheListener.ReadResult.MISS
                : found.isCachedNull() ? CacheListener.ReadResult.CACHED_NULL : CacheListener.ReadResult.HIT;
    }

    /** The time since {@code startNanos} (a {@link System#nanoTime} reading). */
    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * A store error the cache goes on without (the {@code load} store-error policy): reported to the
     * listener every time, logged at most once per {@link #STORE_ERROR_LOG_INTERVAL} with the number
     * of errors not logged since.
     */
    void storeErrorSurvived(String operation, String key, StoreException error) {
        tell(l -> l.storeError(operation, key, error));
        long now = System.nanoTime();
        long last = lastStoreErrorLog.get();
        if (now - last >= STORE_ERROR_LOG_INTERVAL.toNanos() && lastStoreErrorLog.compareAndSet(last, now)) {
            long skipped = unloggedStoreErrors.getAndSet(0);
            LOG.warn(
                    "the store failed during {} ({} more store errors since the last report); going on without"
                            + " the cache: {}",
                    operation,
                    skipped,
                    error.getMessage());
        } else {
            unloggedStoreErrors.incrementAndGet();
        }
    }

    /** A store error the cache throws on to the caller: reported to the listener only. */
    void storeErrorThrown(String operation, String key, StoreException error) {
        tell(l -> l.storeError(operation, key, error));
    }
}
