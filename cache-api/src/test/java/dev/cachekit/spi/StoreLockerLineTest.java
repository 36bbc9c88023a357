package dev.cachekit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("StoreLocker's in-process line")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StoreLockerLineTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    /** Records, per thread, how many times it tried to take the lock in the store. */
    private static final class TryCounting implements Store {
        final Map<Thread, AtomicInteger> tries = new ConcurrentHashMap<>();
        private final Store delegate;

        TryCounting(MemorySpace space) {
            this.delegate = new MemoryStore(space);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            tries.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger())
                    .incrementAndGet();
            return delegate.setIfAbsent(key, value, ttlMillis);
        }

        @Override
        public StoreCapabilities capabilities() {
            return delegate.capabilities();
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            return delegate.getAll(keys);
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            delegate.set(key, value, ttlMillis);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            delegate.setAll(entries, ttlMillis);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(key);
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            return delegate.compareAndDelete(key, expected);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(key, expected, value, ttlMillis);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    @DisplayName("while the lock is held elsewhere, only the first of 8 waiting threads polls the store;"
            + " the others try once and then queue in the process")
    void onlyTheFirstInLinePolls() throws Exception {
        MemorySpace space = MemorySpace.createPrivate();
        Locker other = new StoreLocker(new MemoryStore(space));
        TryCounting store = new TryCounting(space);
        // No signal: waiters poll with backoff, so a thread that contends shows up as many tries.
        Locker locker = new StoreLocker(store);
        LockLease held = other.tryAcquire("lock", LEASE).orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<LockLease>>> waiters = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                waiters.add(pool.submit(() -> {
                    Optional<LockLease> lease = locker.acquire("lock", LEASE, Duration.ofMinutes(1));
                    lease.ifPresent(locker::release);
                    return lease;
                }));
            }
            // Until every thread made its first try and the first in line polled a good many times.
            while (store.tries.size() < 8
                    || store.tries.values().stream()
                                    .mapToInt(AtomicInteger::get)
                                    .max()
                                    .orElse(0)
                            < 20) {
                Thread.sleep(10);
            }
            Set<Thread> polling = ConcurrentHashMap.newKeySet();
            store.tries.forEach((thread, tries) -> {
                if (tries.get() > 1) {
                    polling.add(thread);
                }
            });
            assertThat(polling)
                    .as("threads that tried more than once while the lock was held")
                    .hasSize(1);

            assertThat(other.release(held)).isTrue();
            for (Future<Optional<LockLease>> waiter : waiters) {
                assertThat(waiter.get(1, TimeUnit.MINUTES)).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
