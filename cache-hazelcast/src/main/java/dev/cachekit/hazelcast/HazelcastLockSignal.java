package dev.cachekit.hazelcast;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import dev.cachekit.StoreException;
import dev.cachekit.spi.LockWaiters;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes lock waiters when a lock's entry leaves the map: removed by its holder's release, expired
 * at the end of its lease, or evicted. The listener is filtered by key (key only, no values): it is
 * registered when the first waiter of this process for a key subscribes and removed when the last
 * one leaves, so a process hears of the locks it waits for and of no others, and a process that
 * never waits receives no events. Waiters of one process for one key queue in its {@link
 * dev.cachekit.spi.StoreLocker}, so that is at most one registration per key and process.
 *
 * <p>Hazelcast finds expired entries by background sampling; the waiters' periodic re-check covers
 * an expiry that is noticed late.
 */
final class HazelcastLockSignal extends LockWaiters {

    private final IMap<String, byte[]> map;
    private final String description;
    private final Map<String, UUID> registrations = new ConcurrentHashMap<>();
    private final AtomicLong events = new AtomicLong();
    private volatile boolean closed;

    HazelcastLockSignal(IMap<String, byte[]> map, String description) {
        this.map = Objects.requireNonNull(map, "map");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** Wakes this process's waiters at once; waiters elsewhere learn of it from the removal event. */
    @Override
    public void publish(String key) {
        deliver(key);
    }

    @Override
    protected void firstWaiter(String key) {
        if (closed) {
            throw new IllegalStateException("the lock signal of " + description + " is closed");
        }
        try {
            // Returns once the members know the listener: a removal after this reaches it.
            registrations.put(key, map.addEntryListener(new Listener(), key, false));
        } catch (RuntimeException e) {
            throw new StoreException(
                    "registering the lock listener for " + key + " on " + description + " failed: " + e.getMessage(),
                    e);
        }
    }

    @Override
    protected void lastWaiterLeft(String key) {
        UUID id = registrations.remove(key);
        if (id != null) {
            remove(id);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (UUID id : registrations.values()) {
            remove(id);
        }
        registrations.clear();
    }

    /** How many entry events reached this process; for tests of the key filter. */
    long eventsReceived() {
        return events.get();
    }

    private void heard(String key) {
        events.incrementAndGet();
        deliver(key);
    }

    private void remove(UUID id) {
        try {
            map.removeEntryListener(id);
        } catch (IllegalStateException instanceGone) {
            // The instance is no longer running, and its listener registrations went with it.
        }
    }

    private final class Listener
            implements EntryRemovedListener<String, byte[]>,
                    EntryExpiredListener<String, byte[]>,
                    EntryEvictedListener<String, byte[]> {
        @Override
        public void entryRemoved(EntryEvent<String, byte[]> event) {
            heard(event.getKey());
        }

        @Override
        public void entryExpired(EntryEvent<String, byte[]> event) {
            heard(event.getKey());
        }

        @Override
        public void entryEvicted(EntryEvent<String, byte[]> event) {
            heard(event.getKey());
        }
    }
}
