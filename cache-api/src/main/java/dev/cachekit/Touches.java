package dev.cachekit;

import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Store;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sliding expiry: a read that finds an entry within the touch window of expiring extends it by its
 * TTL, in the background, never blocking the read and never undoing a newer write.
 */
final class Touches {

    private static final Logger LOG = LoggerFactory.getLogger(Touches.class);

    private final Store store;
    private final long windowMillis;
    private final Executor executor;
    private final Set<String> touching = ConcurrentHashMap.newKeySet();

    Touches(Store store, Duration window, Executor executor) {
        this.store = store;
        this.windowMillis = window.toMillis();
        this.executor = executor;
    }

    /** Extends the entry read at {@code storeKey} if it is within the window of expiring. */
    void maybeTouch(String storeKey, byte[] raw, Envelope envelope, long nowMillis) {
        if (windowMillis == 0 || envelope.expiresAtMillis() == 0 || envelope.isNull()) {
            return;
        }
        long ttl = envelope.expiresAtMillis() - envelope.writtenAtMillis();
        long left = envelope.expiresAtMillis() - nowMillis;
        if (ttl <= windowMillis || left > windowMillis || !touching.add(storeKey)) {
            return;
        }
        Runnable touch = () -> {
            try {
                byte[] extended =
                        envelope.withExpiry(nowMillis, nowMillis + ttl).encode();
                // Only if nobody rewrote the entry meanwhile: a touch must never undo a put.
                store.compareAndSet(storeKey, raw, extended, ttl);
            } catch (RuntimeException e) {
                LOG.debug("touching {} failed; the entry keeps its old expiry", Printable.quote(storeKey), e);
            } finally {
                touching.remove(storeKey);
            }
        };
        try {
            executor.execute(touch);
        } catch (RejectedExecutionException e) {
            touching.remove(storeKey);
        }
    }
}
