package dev.cachekit.core;

import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Store;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sliding expiry: a read that finds an entry within the touch window of expiring extends it by its
 * TTL, in the background, never blocking the read and never undoing a newer write.
 *
 * <p>Touches are best effort: they run on an executor of their own (never the thread that renews
 * lock leases, so a slow touch cannot make a lease lapse), one thread behind a queue of {@value
 * #QUEUE} touches; a touch that finds the queue full is dropped and counted.
 */
final class Touches {

    private static final Logger LOG = LoggerFactory.getLogger(Touches.class);

    /** Touches waiting for the thread; more are dropped. */
    static final int QUEUE = 64;

    private final Store store;
    private final long windowMillis;
    private final Executor executor;
    /** The executor this instance made, and so shuts down; null when the user supplied one. */
    private final ExecutorService own;
    /** The threads of {@link #own}, null when the caller supplied the executor. */
    private final OwnThreads threads;

    private final Set<String> touching = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param executor where touches run; null for an executor of their own, made only when the
     *     window is on
     */
    Touches(Store store, Duration window, Executor executor) {
        this.store = store;
        this.windowMillis = window.toMillis();
        if (executor != null || windowMillis == 0) {
            this.executor = executor;
            this.own = null;
            this.threads = null;
        } else {
            this.threads = new OwnThreads("cachekit-touch-" + store.describe());
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    1,
                    1,
                    30,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(QUEUE),
                    threads,
                    new ThreadPoolExecutor.AbortPolicy());
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.own = pool;
        }
    }

    /** Touches dropped because the executor refused them (its queue was full, or it was shut down). */
    long dropped() {
        return dropped.get();
    }

    /** Stops taking touches; those queued still run. */
    void shutdown() {
        if (own != null) {
            own.shutdown();
        }
    }

    /**
     * Waits until the queued touches have run and the cache's own touch thread has ended, up to
     * {@code nanos}; true if they all did. A caller-supplied executor is not waited for.
     */
    boolean awaitTermination(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        return own == null || (own.awaitTermination(nanos, TimeUnit.NANOSECONDS) && threads.join(deadline));
    }

    /** Extends the entry read at {@code storeKey} if it is within the window of expiring. */
    void maybeTouch(String storeKey, Envelope envelope, long nowMillis) {
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
                byte[] extended = envelope.withExpiry(nowMillis, nowMillis + ttl);
                // Only if nobody rewrote the entry meanwhile: a touch must never undo a put.
                store.compareAndSet(storeKey, envelope.bytes(), extended, ttl);
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
            long count = dropped.incrementAndGet();
            LOG.debug(
                    "touch of {} dropped: the touch queue is full ({} dropped so far)",
                    Printable.quote(storeKey),
                    count);
        }
    }
}
