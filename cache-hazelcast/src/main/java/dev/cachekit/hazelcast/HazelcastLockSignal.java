package dev.cachekit.hazelcast;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import dev.cachekit.StoreException;
import dev.cachekit.spi.LockSignal;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Wakes lock waiters when a lock's entry leaves the map: removed by its holder's release, expired
 * at the end of its lease, or evicted. One entry listener (key only, no values) serves every waiter
 * of this backend; it is registered when the first waiter subscribes, so a process that never waits
 * for a lock receives no events, and stays until the backend closes.
 *
 * <p>Hazelcast finds expired entries by background sampling; the waiters' periodic re-check covers
 * an expiry that is noticed late.
 */
final class HazelcastLockSignal implements LockSignal {

    private final IMap<String, byte[]> map;
    private final String description;
    private final Map<String, Set<Runnable>> waiters = new ConcurrentHashMap<>();
    private final Object registering = new Object();
    private volatile UUID registration;
    private volatile boolean closed;

    HazelcastLockSignal(IMap<String, byte[]> map, String description) {
        this.map = Objects.requireNonNull(map, "map");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** Wakes this process's waiters at once; waiters elsewhere learn of it from the removal event. */
    @Override
    public void publish(String key) {
        wake(key);
    }

    @Override
    public Subscription subscribe(String key, Runnable onRelease) {
        listen();
        waiters.compute(key, (k, set) -> {
            Set<Runnable> waiting = set != null ? set : new CopyOnWriteArraySet<>();
            waiting.add(onRelease);
            return waiting;
        });
        return () -> waiters.computeIfPresent(key, (k, set) -> {
            set.remove(onRelease);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void close() {
        closed = true;
        UUID id;
        synchronized (registering) {
            id = registration;
            registration = null;
        }
        waiters.clear();
        if (id != null) {
            try {
                map.removeEntryListener(id);
            } catch (IllegalStateException instanceGone) {
                // The instance is no longer running, and its listener registrations went with it.
            }
        }
    }

    private void listen() {
        if (registration != null) {
            return;
        }
        synchronized (registering) {
            if (closed) {
                throw new IllegalStateException("the lock signal of " + description + " is closed");
            }
            if (registration == null) {
                try {
                    registration = map.addEntryListener(new Listener(), false);
                } catch (RuntimeException e) {
                    throw new StoreException(
                            "registering the lock listener on " + description + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    private void wake(String key) {
        Set<Runnable> waiting = waiters.get(key);
        if (waiting != null) {
            waiting.forEach(Runnable::run);
        }
    }

    private final class Listener
            implements EntryRemovedListener<String, byte[]>,
                    EntryExpiredListener<String, byte[]>,
                    EntryEvictedListener<String, byte[]> {
        @Override
        public void entryRemoved(EntryEvent<String, byte[]> event) {
            wake(event.getKey());
        }

        @Override
        public void entryExpired(EntryEvent<String, byte[]> event) {
            wake(event.getKey());
        }

        @Override
        public void entryEvicted(EntryEvent<String, byte[]> event) {
            wake(event.getKey());
        }
    }
}
