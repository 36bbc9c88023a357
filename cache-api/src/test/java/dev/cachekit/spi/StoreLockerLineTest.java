package dev.cachekit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
            + " the others queue in the process without sending a command")
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
            // Until the first in line polled a good many times (with backoff: long after all 8 started).
            while (store.tries.values().stream()
                            .mapToInt(AtomicInteger::get)
                            .max()
                            .orElse(0)
                    < 20) {
                Thread.sleep(10);
            }
            assertThat(store.tries.keySet())
                    .as("threads that tried the store while the lock was held")
                    .hasSize(1);

            assertThat(other.release(held)).isTrue();
            for (Future<Optional<LockLease>> waiter : waiters) {
                assertThat(waiter.get(1, TimeUnit.MINUTES)).isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a holder of this process that never releases keeps the others from the store only until its"
            + " lease ends: a waiter then takes the lock")
    void aHolderPastItsLeaseNoLongerHoldsTheLine() throws Exception {
        Locker locker = new StoreLocker(new MemoryStore(MemorySpace.createPrivate()));
        LockLease abandoned = locker.acquire("lock", Duration.ofMillis(200), Duration.ofSeconds(1))
                .orElseThrow();
        // The holder's turn would keep this waiter in line far past the deadline if it waited for it.
        Optional<LockLease> next = locker.acquire("lock", LEASE, Duration.ofSeconds(20));
        assertThat(next).as("the lock after the first holder's lease ran out").isPresent();
        assertThat(locker.release(abandoned))
                .as("the abandoned lease's late release")
                .isFalse();
        assertThat(locker.release(next.get())).isTrue();
        assertThat(locker.acquire("lock", LEASE, Duration.ofSeconds(1)))
                .as("the lock once both released")
                .isPresent();
    }

    @Test
    @DisplayName("a holder whose renewal finds the lock gone passes its turn on at once, not when its lease"
            + " would have ended")
    void aLostLockPassesTheTurn() throws Exception {
        MemoryStore store = new MemoryStore(MemorySpace.createPrivate());
        Locker locker = new StoreLocker(store);
        LockLease lost = locker.acquire("lock", LEASE, Duration.ofSeconds(1)).orElseThrow();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<LockLease>> waiter =
                    pool.submit(() -> locker.acquire("lock", LEASE, Duration.ofSeconds(20)));
            store.delete("lock"); // the lock is lost (evicted, say) while its holder runs
            assertThat(locker.renew(lost, LEASE)).isFalse();
            Optional<LockLease> next = waiter.get(1, TimeUnit.MINUTES);
            assertThat(next)
                    .as("the waiter's lock, well before the lost holder's 30 s lease")
                    .isPresent();
            assertThat(locker.release(lost)).isFalse();
            assertThat(locker.release(next.get())).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
