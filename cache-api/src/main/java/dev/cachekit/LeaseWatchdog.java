package dev.cachekit;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renews a held lock every third of its lease until stopped or the lock is lost. */
final class LeaseWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseWatchdog.class);

    // Set after scheduling, so the first run may see it null; `stopped` is what every run obeys.
    private volatile ScheduledFuture<?> task;
    private volatile boolean stopped;

    private LeaseWatchdog(ScheduledExecutorService scheduler, Locker locker, LockLease lease, Duration duration) {
        long period = Math.max(1, duration.toMillis() / 3);
        this.task = scheduler.scheduleAtFixedRate(
                () -> renew(locker, lease, duration), period, period, TimeUnit.MILLISECONDS);
        if (stopped) {
            task.cancel(false);
        }
    }

    static LeaseWatchdog start(ScheduledExecutorService scheduler, Locker locker, LockLease lease, Duration duration) {
        return new LeaseWatchdog(scheduler, locker, lease, duration);
    }

    private void renew(Locker locker, LockLease lease, Duration duration) {
        if (stopped) {
            return;
        }
        try {
            if (!locker.renew(lease, duration)) {
                LOG.warn("lock {} was lost before its watchdog could renew it", lease.key());
                stop();
            }
        } catch (RuntimeException e) {
            // The next period tries again; the lease still has two thirds to run.
            LOG.warn("renewing lock {} failed; will retry", lease.key(), e);
        }
    }

    void stop() {
        stopped = true;
        ScheduledFuture<?> scheduled = task;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }
}
