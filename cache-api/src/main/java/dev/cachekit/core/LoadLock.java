package dev.cachekit.core;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A load lock held by a load in flight ({@code getOrLoad}, {@code getOrLoadAll} or a refresh):
 * released once, by the load when it ends or by the cache's close ({@link LockRenewals} closes
 * what it holds), whichever comes first. A load that finds it released does not write its value.
 */
final class LoadLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadLock.class);

    private final Locker locker;
    private final LockLease lease;
    private final AtomicBoolean released = new AtomicBoolean();

    LoadLock(Locker locker, LockLease lease) {
        this.locker = locker;
        this.lease = lease;
    }

    boolean released() {
        return released.get();
    }

    /**
     * Takes the release on, for a caller that releases several locks in one call: true if the lock
     * was not released before, and the caller now releases it.
     */
    boolean claim() {
        return released.compareAndSet(false, true);
    }

    /** Releases the lock (owner-checked) unless it was released before; never throws. */
    @Override
    public void close() {
        if (!claim()) {
            return;
        }
        try {
            locker.release(lease);
        } catch (RuntimeException e) {
            // The value is written (or the cache closed); the lock frees itself when its lease ends.
            LOG.warn("releasing load lock {} failed; it expires with its lease", lease.key(), e);
        }
    }

    @Override
    public String toString() {
        return "load lock " + lease.key();
    }
}
