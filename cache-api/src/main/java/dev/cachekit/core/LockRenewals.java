package dev.cachekit.core;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's lease renewals: one thread of their own (never the touch thread, so a slow touch
 * cannot delay a renewal), the running {@link LeaseWatchdog}s, the held locks to release when the
 * cache closes, and a second thread for the holders' lease clocks.
 */
final class LockRenewals implements AutoCloseable {

    /** How long {@link #close()} waits for a renewal in progress to finish. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(LockRenewals.class);

    private final ScheduledThreadPoolExecutor scheduler;
    private final OwnThreads threads;
    /** The holders' lease clocks: a thread apart, so a renewal stuck on a stalled store cannot delay them. */
    private final ScheduledThreadPoolExecutor clocks;

    private final OwnThreads clockThreads;
    private final Set<LeaseWatchdog> watchdogs = ConcurrentHashMap.newKeySet();
    private final Set<AutoCloseable> held = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LockRenewals(String description) {
        this.threads = new OwnThreads("cachekit-renewals-" + description);
        this.scheduler = new ScheduledThreadPoolExecutor(1, threads);
        scheduler.setRemoveOnCancelPolicy(true);
        this.clockThreads = new OwnThreads("cachekit-lease-clock-" + description);
        this.clocks = new ScheduledThreadPoolExecutor(1, clockThreads);
        clocks.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts renewing {@code lease} every third of {@code duration}.
     *
     * @param onLost run once if a renewal finds the lock gone or held by another owner; may be null
     * @throws IllegalStateException if the cache is closed
     */
    LeaseWatchdog watch(Locker locker, LockLease lease, Duration duration, Runnable onLost) {
        return watch(locker, lease, duration, onLost, null);
    }

    /**
     * As {@link #watch(Locker, LockLease, Duration, Runnable)}, telling {@code onRenewed} when each
     * confirmed renewal was sent ({@link System#nanoTime()}).
     */
    LeaseWatchdog watch(Locker locker, LockLease lease, Duration duration, Runnable onLost, LongConsumer onRenewed) {
        checkOpen();
        LeaseWatchdog dog = new LeaseWatchdog(locker, lease, duration, onLost, onRenewed, watchdogs::remove);
        watchdogs.add(dog);
        dog.start(scheduler);
        if (closed) {
            dog.stop();
            throw closedException();
        }
        return dog;
    }

    /** Remembers a lock held through {@code cache.lock(name)}, to release when the cache closes. */
    void hold(AutoCloseable lock) {
        held.add(lock);
        if (closed) {
            held.remove(lock);
            closeQuietly(lock);
            throw closedException();
        }
    }

    /**
     * Runs {@code task} on the lease clock thread after {@code delayNanos}.
     *
     * @return the scheduled task, or {@code null} if the cache is closed
     */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return clocks.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    void forget(AutoCloseable lock) {
        held.remove(lock);
    }

    void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    /**
     * Stops every watchdog, releases every lock still held through the cache, and waits up to
     * {@link #CLOSE_WAIT} for the renewal thread to end.
     */
    @Override
    public void close() {
        closed = true;
        for (LeaseWatchdog dog : List.copyOf(watchdogs)) {
            dog.stop();
        }
        for (AutoCloseable lock : List.copyOf(held)) {
            closeQuietly(lock);
        }
        scheduler.shutdownNow();
        clocks.shutdownNow();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            if (!scheduler.awaitTermination(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS)
                    || !clocks.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    || !threads.join(deadline)
                    || !clockThreads.join(deadline)) {
                LOG.warn("the lock renewal thread did not end within {}", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable lock) {
        try {
            lock.close();
        } catch (Exception e) {
            LOG.warn("releasing {} on close failed; it frees itself when its lease ends", lock, e);
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("the cache is closed; its locks can no longer be renewed");
    }
}
