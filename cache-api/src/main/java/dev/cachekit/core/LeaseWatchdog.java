package dev.cachekit.core;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a held lock every third of its lease until stopped or the lock is lost. A renewal that
 * finds the lock gone or held by another owner stops the watchdog and runs the lost callback once.
 */
final class LeaseWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseWatchdog.class);

    private final Locker locker;
    private final LockLease lease;
    private final Duration duration;
    private final Runnable onLost;
    private final LongConsumer onRenewed;
    private final Consumer<LeaseWatchdog> onStop;
    private final AtomicBoolean stopped = new AtomicBoolean();
    // Set after scheduling, so the first run may see it null; `stopped` is what every run obeys.
    private volatile ScheduledFuture<?> task;

    /**
     * @param onLost run once if a renewal finds the lock lost; may be null
     * @param onRenewed told, after each renewal the store confirmed, the {@link System#nanoTime()}
     *     read just before it was sent; may be null
     */
    LeaseWatchdog(
            Locker locker,
            LockLease lease,
            Duration duration,
            Runnable onLost,
            LongConsumer onRenewed,
            Consumer<LeaseWatchdog> onStop) {
        this.locker = locker;
        this.lease = lease;
        this.duration = duration;
        this.onLost = onLost;
        this.onRenewed = onRenewed;
        this.onStop = onStop;
    }

    /** The renewal period: a third of the lease, at least 1 ms. */
    static Duration period(Duration lease) {
        return Duration.ofMillis(Math.max(1, lease.toMillis() / 3));
    }

    void start(ScheduledExecutorService scheduler) {
        long period = period(duration).toMillis();
        task = scheduler.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
        if (stopped.get()) {
            task.cancel(false);
        }
    }

    private void renew() {
        if (stopped.get()) {
            return;
        }
        boolean renewed;
        long sent = System.nanoTime();
        try {
            renewed = locker.renew(lease, duration);
        } catch (RuntimeException e) {
            // The next period tries again; the holder's own clock ends the lease if none gets through.
            LOG.warn("renewing lock {} failed; will retry", lease.key(), e);
            return;
        }
        if (renewed && onRenewed != null) {
            onRenewed.accept(sent);
        }
        if (!renewed && stop()) {
            LOG.warn("lock {} was lost: a renewal found it gone or held by another owner", lease.key());
            if (onLost != null) {
                onLost.run();
            }
        }
    }

    /**
     * Stops renewing.
     *
     * @return whether this call stopped it
     */
    boolean stop() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> scheduled = task;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        onStop.accept(this);
        return true;
    }
}
