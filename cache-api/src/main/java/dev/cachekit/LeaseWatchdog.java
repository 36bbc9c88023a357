package dev.cachekit;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Renews a held lock every third of its lease until stopped or the lock is lost. */
final class LeaseWatchdog {

    private static final System.Logger LOG = System.getLogger(LeaseWatchdog.class.getName());

    private final ScheduledFuture<?> task;

    private LeaseWatchdog(ScheduledExecutorService scheduler, Locker locker, LockLease lease, Duration duration) {
        long period = Math.max(1, duration.toMillis() / 3);
        this.task = scheduler.scheduleAtFixedRate(
                () -> renew(locker, lease, duration), period, period, TimeUnit.MILLISECONDS);
    }

    static LeaseWatchdog start(ScheduledExecutorService scheduler, Locker locker, LockLease lease, Duration duration) {
        return new LeaseWatchdog(scheduler, locker, lease, duration);
    }

    private void renew(Locker locker, LockLease lease, Duration duration) {
        try {
            if (!locker.renew(lease, duration)) {
                LOG.log(Level.WARNING, "lock {0} was lost before its watchdog could renew it", lease.key());
                task.cancel(false);
            }
        } catch (RuntimeException e) {
            // The next period tries again; the lease still has two thirds to run.
            LOG.log(Level.WARNING, "renewing lock " + lease.key() + " failed; will retry", e);
        }
    }

    void stop() {
        task.cancel(false);
    }
}
