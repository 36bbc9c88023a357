package dev.cachekit.core;

import dev.cachekit.Loader;
import dev.cachekit.RefreshAhead;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh-ahead: a read that found an entry current asks here whether the rule wants it reloaded
 * now; if so, one background reload starts on the executor. At most one per store key runs in this
 * JVM (a set of the keys being refreshed), and at most one cluster-wide: the key's load lock, taken
 * with a zero wait, decides, and a caller that loses it does nothing and tells no one.
 *
 * <p>The winner reads the entry again under the lock and gives up if it was rewritten since the
 * read that asked (another node refreshed it, or a put replaced it) or is gone; otherwise it loads,
 * writes with the read's TTL and releases the lock. A failure (the loader throws, the store fails)
 * leaves the entry as it was, still expiring at its old time, and reaches {@link
 * dev.cachekit.CacheListener#refreshFailed}. The lock is renewed while the reload runs and released
 * by the cache's close if it comes first ({@link LockRenewals}); a reload that outlives the close
 * writes nothing.
 */
final class Refresher {

    private static final Logger LOG = LoggerFactory.getLogger(Refresher.class);

    /** The entry a refresh reloads: read it again, and write the reloaded value. */
    interface Target<T> {
        /**
         * The entry's times as the store holds them now, or null if it is missing, expired or no
         * longer current for its tags.
         */
        Entries.Stamp reread();

        /** Writes the reloaded value (with its TTL), recording that its load took {@code loadMillis}. */
        void write(T value, long loadMillis);
    }

    private final Locker locker;
    private final KeyLayout layout;
    private final LockRenewals renewals;
    private final Duration lockLease;
    private final Clock clock;
    private final Events events;
    private final Supplier<Executor> executor;
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

    /**
     * @param executor where refreshes run, asked for only when the first one starts
     */
    Refresher(
            Locker locker,
            KeyLayout layout,
            LockRenewals renewals,
            Duration lockLease,
            Clock clock,
            Events events,
            Supplier<Executor> executor) {
        this.locker = locker;
        this.layout = layout;
        this.renewals = renewals;
        this.lockLease = lockLease;
        this.clock = clock;
        this.events = events;
        this.executor = executor;
    }

    /**
     * Starts a background refresh of the entry if {@code rule} says a read now should; returns at
     * once either way and never throws.
     *
     * @param key the caller's key: events, and the load lock
     * @param storeKey the entry's store key: at most one refresh per store key in this JVM
     * @param seen the times of the entry as the read found it
     * @param loader what reloads the value
     * @param target the entry, to read again and write
     * @return whether a refresh was handed to the executor (it may still lose the lock)
     */
    <T> boolean refreshIfDue(
            RefreshAhead rule,
            String key,
            String storeKey,
            Entries.Stamp seen,
            Loader<? extends T> loader,
            Target<T> target) {
        if (!rule.isOn()) {
            return false;
        }
        // Uniform in (0, 1], as the XFetch rule takes it.
        double random = 1 - ThreadLocalRandom.current().nextDouble();
        if (!rule.due(seen.writtenAtMillis(), seen.expiresAtMillis(), seen.loadMillis(), clock.millis(), random)) {
            return false;
        }
        if (!refreshing.add(storeKey)) {
            return false;
        }
        try {
            executor.get().execute(() -> {
                try {
                    refresh(key, seen, loader, target);
                } finally {
                    refreshing.remove(storeKey);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            refreshing.remove(storeKey);
            LOG.debug("refresh of key {} skipped: the executor is saturated or shut down", key);
            return false;
        } catch (RuntimeException e) {
            refreshing.remove(storeKey);
            LOG.debug("refresh of key {} skipped: {}", key, e.toString());
            return false;
        }
    }

    /** Keys whose refresh is queued or running in this JVM; for tests. */
    int inFlight() {
        return refreshing.size();
    }

    private <T> void refresh(String key, Entries.Stamp seen, Loader<? extends T> loader, Target<T> target) {
        try {
            renewals.checkOpen();
        } catch (IllegalStateException closed) {
            return; // queued before the cache closed: nothing to refresh any more
        }
        Optional<LockLease> lease;
        try {
            lease = locker.tryAcquire(layout.loadLock(key), lockLease);
        } catch (RuntimeException e) {
            events.tell(l -> l.refreshFailed(key, e));
            return;
        }
        if (lease.isEmpty()) {
            // Another caller (this JVM or another) is loading or refreshing the key: nothing to do.
            return;
        }
        LoadLock held = new LoadLock(locker, lease.get());
        LeaseWatchdog watchdog = null;
        try {
            renewals.hold(held);
            watchdog = renewals.watch(locker, lease.get(), lockLease, null);
            Entries.Stamp now = target.reread();
            if (now == null || now.writtenAtMillis() > seen.writtenAtMillis()) {
                LOG.debug("refresh of key {} skipped: the entry was rewritten or dropped meanwhile", key);
                return;
            }
            events.tell(l -> l.refreshStarted(key));
            long started = System.nanoTime();
            T value = loader.load();
            long loadMillis = Events.since(started).toMillis();
            if (held.released()) {
                LOG.debug("the cache closed while key {} was refreshing; the value is not written", key);
                return;
            }
            target.write(value, loadMillis);
            Duration took = Events.since(started);
            events.tell(l -> l.refreshed(key, took));
        } catch (Exception e) {
            if (held.released()) {
                LOG.debug("refresh of key {} ended with the cache's close: {}", key, e.toString());
                return;
            }
            events.tell(l -> l.refreshFailed(key, e));
        } finally {
            if (watchdog != null) {
                watchdog.stop();
            }
            renewals.forget(held);
            held.close();
        }
    }
}
