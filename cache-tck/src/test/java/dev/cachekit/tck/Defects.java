package dev.cachekit.tck;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import dev.cachekit.spi.StoreLocker;
import dev.cachekit.spi.StoreTagger;
import dev.cachekit.spi.Tagger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Backends that are each the memory backend with one defect, a mistake a real store could make,
 * and the contract tests that must catch it.
 */
final class Defects {

    /**
     * One defective backend.
     *
     * @param name what is wrong
     * @param fixtures a fresh fixture per test
     * @param caughtBy the contract test methods that must fail against it
     */
    record Defect(String name, Supplier<BackendFixture> fixtures, Set<String> caughtBy) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Defects() {}

    static List<Defect> all() {
        return List.of(
                store("a multi-get that drops the last key", MultiGetDropsLastKey::new, "multiGetIsPositional"),
                store(
                        "a multi-get that answers a repeated key once",
                        MultiGetMergesRepeatedKeys::new,
                        "multiGetIsPositional"),
                store("set-if-absent that reads, then writes", SetIfAbsentNotAtomic::new, "setIfAbsentIsAtomic"),
                store("a TTL that never expires", TtlNeverExpires::new, "ttlExpires", "ttlOfBulkAndConditionalWrites"),
                store(
                        "a TTL below a second that becomes no expiry",
                        TinyTtlBecomesNoExpiry::new,
                        "tinyTtlStillExpires"),
                store("a TTL over 30 days read as a point in time", LongTtlReadAsTimestamp::new, "longTtlIsADuration"),
                store(
                        "compare-and-delete that ignores the value, so anyone releases a lock",
                        CompareAndDeleteIgnoresValue::new,
                        "nonOwnerIsRefused",
                        "compareAndDelete"),
                store(
                        "compare-and-set that ignores the value, so anyone renews a lock",
                        CompareAndSetIgnoresValue::new,
                        "nonOwnerIsRefused",
                        "compareAndSet"),
                store(
                        "compare-and-set that keeps the old TTL, so renew extends nothing",
                        CompareAndSetKeepsOldTtl::new,
                        "renewExtends",
                        "compareAndSetSetsTtl"),
                store("an increment that always answers 1", IncrementRepeats::new, "incrementIsAtomic"),
                store("an empty value read as absent", EmptyValueReadAsAbsent::new, "emptyValue"),
                store("long keys cut to 250 bytes", LongKeysTruncated::new, "longestKey"),
                new Defect(
                        "a flush that only the flushing client sees",
                        () -> DefectiveFixture.named("flush not persisted")
                                .tagger(ClientLocalFlushTagger::new)
                                .build(),
                        Set.of("flushIsSeenByTheOtherClient", "flushReplacesTheVersion")),
                new Defect(
                        "tag versions counted from 1 again after the tag key is deleted",
                        () -> DefectiveFixture.named("counter versions")
                                .tagger(CountingVersionTagger::new)
                                .build(),
                        Set.of("versionsAreNeverReused", "evictedTagNeverRevives")),
                new Defect(
                        "a flush that deletes every tagged entry one by one",
                        () -> DefectiveFixture.named("scanning flush")
                                .tagger(MemberTrackingTagger::new)
                                .build(),
                        Set.of("flushCostDoesNotGrowWithEntries")),
                new Defect(
                        "a lock that is granted to everyone",
                        () -> DefectiveFixture.named("lock for everyone")
                                .locker(GrantsEveryone::new)
                                .build(),
                        Set.of("oneHolderAtATime", "fuzz", "coldKeyLoadsOnce")),
                new Defect(
                        "a release signal that is never delivered",
                        () -> DefectiveFixture.named("silent signal")
                                .signal(SilentSignal::new)
                                .build(),
                        Set.of("waiterIsWokenBySignal")),
                new Defect(
                        "a waiter that does not look at the lock after subscribing",
                        () -> DefectiveFixture.named("no look after subscribing")
                                .locker(NoCheckAfterSubscribe::new)
                                .build(),
                        Set.of("awaitOnAFreeLockReturns")),
                // ---- lock defects of the locker contract: fencing, races, signal order, bounds ----
                locker("a release that reads the owner, then deletes", ReleaseReadsThenDeletes::new, "releaseRace"),
                locker(
                        "a renew that takes a lapsed or deleted lock back",
                        RenewReacquires::new,
                        "renewAfterLapse",
                        "lockKeyDeletedUnderTheHolder"),
                locker(
                        "fencing tokens from a plain counter, which restarts at 1 when lost",
                        PlainCounterFence::new,
                        "counterDeleted"),
                locker("a fencing counter with a long TTL", ExpiringCounterFence::new, "everyTtlKeyExpired"),
                locker(
                        "a release signal sent before the lock key is deleted",
                        SignalsBeforeDelete::new,
                        "signalAfterTheKeyIsGone"),
                locker("a wait-acquire that ignores its timeout", WaitIgnoresItsBound::new, "waitAcquireTimesOut"),
                locker(
                        "unfenced (load) locks that still keep a counter",
                        UnfencedKeepsACounter::new,
                        "loadsLeaveNothing",
                        "unfencedLeavesNothing"));
    }

    private static Defect locker(String name, BiFunction<Store, LockSignal, Locker> defect, String... caughtBy) {
        return new Defect(
                name,
                () -> DefectiveFixture.named(name).locker(defect).build(),
                new LinkedHashSet<>(List.of(caughtBy)));
    }

    private static Defect store(String name, java.util.function.Function<Store, Store> defect, String... caughtBy) {
        return new Defect(
                name, () -> DefectiveFixture.named(name).store(defect).build(), new LinkedHashSet<>(List.of(caughtBy)));
    }

    // ---- stores ---------------------------------------------------------------------------------

    static final class MultiGetDropsLastKey extends ForwardingStore {
        MultiGetDropsLastKey(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            List<byte[]> values = new ArrayList<>(delegate.getAll(keys));
            if (values.size() > 1) {
                values.set(values.size() - 1, null);
            }
            return values;
        }
    }

    static final class MultiGetMergesRepeatedKeys extends ForwardingStore {
        MultiGetMergesRepeatedKeys(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            return delegate.getAll(new ArrayList<>(new LinkedHashSet<>(keys)));
        }
    }

    static final class SetIfAbsentNotAtomic extends ForwardingStore {
        SetIfAbsentNotAtomic(Store delegate) {
            super(delegate);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            if (delegate.get(key) != null) {
                return false;
            }
            Thread.yield();
            delegate.set(key, value, ttlMillis);
            return true;
        }
    }

    static final class TtlNeverExpires extends ForwardingStore {
        TtlNeverExpires(Store delegate) {
            super(delegate);
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            delegate.set(key, value, NO_EXPIRY);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            delegate.setAll(entries, NO_EXPIRY);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            return delegate.setIfAbsent(key, value, NO_EXPIRY);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(key, expected, value, NO_EXPIRY);
        }
    }

    /** Declares whole seconds, then rounds a TTL down to them, as {@code ttl / 1000} would. */
    static final class TinyTtlBecomesNoExpiry extends ForwardingStore {
        TinyTtlBecomesNoExpiry(Store delegate) {
            super(delegate);
        }

        private static long seconds(long ttlMillis) {
            return (ttlMillis / 1000) * 1000;
        }

        @Override
        public StoreCapabilities capabilities() {
            StoreCapabilities own = delegate.capabilities();
            return new StoreCapabilities(
                    Duration.ofSeconds(1), own.maxKeyBytes(), own.maxValueBytes(), own.signalsChanges());
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            delegate.set(key, value, seconds(ttlMillis));
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            delegate.setAll(entries, seconds(ttlMillis));
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            return delegate.setIfAbsent(key, value, seconds(ttlMillis));
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(key, expected, value, seconds(ttlMillis));
        }
    }

    /** Reads a TTL over 30 days as a Unix time, long past: the entry is gone at once. */
    static final class LongTtlReadAsTimestamp extends ForwardingStore {
        private static final long THIRTY_DAYS = Duration.ofDays(30).toMillis();

        LongTtlReadAsTimestamp(Store delegate) {
            super(delegate);
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            if (ttlMillis > THIRTY_DAYS) {
                delegate.delete(key);
            } else {
                delegate.set(key, value, ttlMillis);
            }
        }
    }

    static final class CompareAndDeleteIgnoresValue extends ForwardingStore {
        CompareAndDeleteIgnoresValue(Store delegate) {
            super(delegate);
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            return delegate.delete(key);
        }
    }

    static final class CompareAndSetIgnoresValue extends ForwardingStore {
        CompareAndSetIgnoresValue(Store delegate) {
            super(delegate);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            if (delegate.get(key) == null) {
                return false;
            }
            delegate.set(key, value, ttlMillis);
            return true;
        }
    }

    /** Remembers when each key was written to expire, and keeps that expiry on compare-and-set. */
    static final class CompareAndSetKeepsOldTtl extends ForwardingStore {
        private final Map<String, Long> expiresAt = new ConcurrentHashMap<>();

        CompareAndSetKeepsOldTtl(Store delegate) {
            super(delegate);
        }

        private void remember(String key, long ttlMillis) {
            expiresAt.put(key, ttlMillis == NO_EXPIRY ? Long.MAX_VALUE : System.currentTimeMillis() + ttlMillis);
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            remember(key, ttlMillis);
            delegate.set(key, value, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            boolean written = delegate.setIfAbsent(key, value, ttlMillis);
            if (written) {
                remember(key, ttlMillis);
            }
            return written;
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            long old = expiresAt.getOrDefault(key, Long.MAX_VALUE);
            long left = old == Long.MAX_VALUE ? NO_EXPIRY : Math.max(1, old - System.currentTimeMillis());
            return delegate.compareAndSet(key, expected, value, left);
        }
    }

    static final class IncrementRepeats extends ForwardingStore {
        IncrementRepeats(Store delegate) {
            super(delegate);
        }

        @Override
        public long increment(String key) {
            return 1;
        }
    }

    static final class EmptyValueReadAsAbsent extends ForwardingStore {
        EmptyValueReadAsAbsent(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            List<byte[]> values = new ArrayList<>(delegate.getAll(keys));
            values.replaceAll(value -> value != null && value.length == 0 ? null : value);
            return values;
        }
    }

    /** Claims to take keys of any length, but keeps only their first 250 bytes. */
    static final class LongKeysTruncated extends ForwardingStore {
        LongKeysTruncated(Store delegate) {
            super(delegate);
        }

        private static String cut(String key) {
            return key.length() > 250 ? key.substring(0, 250) : key;
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            return delegate.getAll(keys.stream().map(LongKeysTruncated::cut).toList());
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            delegate.set(cut(key), value, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            return delegate.setIfAbsent(cut(key), value, ttlMillis);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(cut(key));
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            return delegate.compareAndDelete(cut(key), expected);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(cut(key), expected, value, ttlMillis);
        }
    }

    // ---- taggers --------------------------------------------------------------------------------

    /** Keeps flushed versions in the client that flushed, never writing them to the store. */
    static final class ClientLocalFlushTagger implements Tagger {
        private final StoreTagger shared;
        private final Map<String, byte[]> flushedHere = new ConcurrentHashMap<>();

        ClientLocalFlushTagger(Store store) {
            this.shared = new StoreTagger(store);
        }

        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            List<byte[]> versions = new ArrayList<>(shared.versions(tagKeys));
            for (int i = 0; i < tagKeys.size(); i++) {
                byte[] local = flushedHere.get(tagKeys.get(i));
                if (local != null) {
                    versions.set(i, local);
                }
            }
            return versions;
        }

        @Override
        public void flush(List<String> tagKeys) {
            tagKeys.forEach(key -> flushedHere.put(key, StoreTagger.newVersion()));
        }
    }

    /** Versions 1, 2, 3...: a deleted tag key starts again at 1 and revives old entries. */
    static final class CountingVersionTagger implements Tagger {
        private final Store store;

        CountingVersionTagger(Store store) {
            this.store = store;
        }

        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            List<byte[]> versions = new ArrayList<>(store.getAll(tagKeys));
            for (int i = 0; i < versions.size(); i++) {
                if (versions.get(i) == null) {
                    store.setIfAbsent(tagKeys.get(i), number(1), Store.NO_EXPIRY);
                    versions.set(i, store.get(tagKeys.get(i)));
                }
            }
            return versions;
        }

        @Override
        public void flush(List<String> tagKeys) {
            List<byte[]> current = store.getAll(tagKeys);
            Map<String, byte[]> next = new LinkedHashMap<>();
            for (int i = 0; i < tagKeys.size(); i++) {
                byte[] version = current.get(i);
                long n = version == null ? 0 : Long.parseLong(new String(version, StandardCharsets.US_ASCII));
                next.put(tagKeys.get(i), number(n + 1));
            }
            store.setAll(next, Store.NO_EXPIRY);
        }

        private static byte[] number(long n) {
            return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Records a member per tagged write and deletes each one on flush: a flush costs O(entries). */
    static final class MemberTrackingTagger implements Tagger {
        private final Store store;
        private final StoreTagger versions;

        MemberTrackingTagger(Store store) {
            this.store = store;
            this.versions = new StoreTagger(store);
        }

        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            for (String tagKey : tagKeys) {
                long member = store.increment(tagKey + ":members");
                store.set(tagKey + ":member:" + member, new byte[] {1}, Store.NO_EXPIRY);
            }
            return versions.versions(tagKeys);
        }

        @Override
        public void flush(List<String> tagKeys) {
            for (String tagKey : tagKeys) {
                byte[] count = store.get(tagKey + ":members");
                long members = count == null ? 0 : Long.parseLong(new String(count, StandardCharsets.US_ASCII));
                for (long member = 1; member <= members; member++) {
                    store.delete(tagKey + ":member:" + member);
                }
            }
            versions.flush(tagKeys);
        }
    }

    // ---- lockers and signals --------------------------------------------------------------------

    /** Writes the owner token unconditionally, so every caller gets the lock. */
    static final class GrantsEveryone implements Locker {
        private final Store store;
        private final StoreLocker healthy;

        GrantsEveryone(Store store, LockSignal signal) {
            this.store = store;
            this.healthy = new StoreLocker(store, signal);
        }

        @Override
        public Optional<LockLease> tryAcquire(String key, Duration lease) {
            String owner = UUID.randomUUID().toString();
            store.set(key, owner.getBytes(StandardCharsets.US_ASCII), lease.toMillis());
            return Optional.of(new LockLease(key, owner, LockLease.UNFENCED));
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            String owner = UUID.randomUUID().toString();
            store.set(key, owner.getBytes(StandardCharsets.US_ASCII), lease.toMillis());
            return Optional.of(new LockLease(key, owner, store.increment(fenceKey)));
        }

        @Override
        public boolean release(LockLease lease) {
            return healthy.release(lease);
        }

        @Override
        public boolean renew(LockLease lease, Duration extension) {
            return healthy.renew(lease, extension);
        }

        @Override
        public boolean signalsRelease() {
            return healthy.signalsRelease();
        }

        @Override
        public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
            healthy.awaitRelease(key, maxWait);
        }
    }

    /** Subscribes but then waits without looking whether the lock is already free. */
    static final class NoCheckAfterSubscribe implements Locker {
        private final StoreLocker healthy;
        private final LockSignal signal;

        NoCheckAfterSubscribe(Store store, LockSignal signal) {
            this.healthy = new StoreLocker(store, signal);
            this.signal = signal;
        }

        @Override
        public Optional<LockLease> tryAcquire(String key, Duration lease) {
            return healthy.tryAcquire(key, lease);
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            return healthy.tryAcquireFenced(key, fenceKey, lease);
        }

        @Override
        public boolean release(LockLease lease) {
            return healthy.release(lease);
        }

        @Override
        public boolean renew(LockLease lease, Duration extension) {
            return healthy.renew(lease, extension);
        }

        @Override
        public boolean signalsRelease() {
            return true;
        }

        @Override
        public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
            CountDownLatch released = new CountDownLatch(1);
            try (LockSignal.Subscription ignored = signal.subscribe(key, released::countDown)) {
                released.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Accepts subscriptions but drops every publish. */
    static final class SilentSignal implements LockSignal {
        private final LockSignal healthy;

        SilentSignal(LockSignal healthy) {
            this.healthy = healthy;
        }

        @Override
        public void publish(String key) {}

        @Override
        public Subscription subscribe(String key, Runnable onRelease) {
            return healthy.subscribe(key, onRelease);
        }

        @Override
        public void close() {
            healthy.close();
        }
    }

    // ---- lock defects of the locker contract --------------------------------------------------------

    /** A locker that is healthy except where a subclass says otherwise. */
    abstract static class LockerDefect implements Locker {
        final Store store;
        final LockSignal signal;
        final StoreLocker healthy;

        LockerDefect(Store store, LockSignal signal) {
            this.store = store;
            this.signal = signal;
            this.healthy = new StoreLocker(store, signal);
        }

        static byte[] owner(LockLease lease) {
            return lease.ownerToken().getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public Optional<LockLease> tryAcquire(String key, Duration lease) {
            return healthy.tryAcquire(key, lease);
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            return healthy.tryAcquireFenced(key, fenceKey, lease);
        }

        @Override
        public boolean release(LockLease lease) {
            return healthy.release(lease);
        }

        @Override
        public boolean renew(LockLease lease, Duration extension) {
            return healthy.renew(lease, extension);
        }

        @Override
        public boolean signalsRelease() {
            return healthy.signalsRelease();
        }

        @Override
        public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
            healthy.awaitRelease(key, maxWait);
        }
    }

    /** Release as two calls: another client can take the lock between them, and loses it. */
    static final class ReleaseReadsThenDeletes extends LockerDefect {
        ReleaseReadsThenDeletes(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public boolean release(LockLease lease) {
            byte[] current = store.get(lease.key());
            if (current == null || !java.util.Arrays.equals(current, owner(lease))) {
                return false;
            }
            store.delete(lease.key());
            if (signal != null) {
                signal.publish(lease.key());
            }
            return true;
        }
    }

    /** Renew writes the owner back when the key is absent: a lapsed lease comes back to life. */
    static final class RenewReacquires extends LockerDefect {
        RenewReacquires(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public boolean renew(LockLease lease, Duration extension) {
            return healthy.renew(lease, extension)
                    || store.setIfAbsent(lease.key(), owner(lease), extension.toMillis());
        }
    }

    /** Tokens from INCR alone: a lost counter starts again at 1. */
    static final class PlainCounterFence extends LockerDefect {
        PlainCounterFence(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            return healthy.tryAcquire(key, lease)
                    .map(l -> new LockLease(key, l.ownerToken(), store.increment(fenceKey)));
        }
    }

    /** The counter is advanced correctly but written with a TTL of a day, so it expires in the end. */
    static final class ExpiringCounterFence extends LockerDefect {
        ExpiringCounterFence(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            Optional<LockLease> acquired = healthy.tryAcquireFenced(key, fenceKey, lease);
            acquired.ifPresent(l -> store.set(
                    fenceKey,
                    Long.toString(l.fencingToken()).getBytes(StandardCharsets.US_ASCII),
                    Duration.ofDays(1).toMillis()));
            return acquired;
        }
    }

    /** Publishes the release, then deletes the key a round trip later: waiters wake to a held lock. */
    static final class SignalsBeforeDelete extends LockerDefect {
        SignalsBeforeDelete(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public boolean release(LockLease lease) {
            if (!java.util.Arrays.equals(store.get(lease.key()), owner(lease))) {
                return false;
            }
            if (signal != null) {
                signal.publish(lease.key());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return store.compareAndDelete(lease.key(), owner(lease));
        }
    }

    /** Waits until it gets the lock, whatever the timeout said. */
    static final class WaitIgnoresItsBound extends LockerDefect {
        WaitIgnoresItsBound(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public Optional<LockLease> acquire(String key, Duration lease, Duration timeout) throws InterruptedException {
            return healthy.acquire(key, lease, Duration.ofDays(3650));
        }

        @Override
        public Optional<LockLease> acquireFenced(String key, String fenceKey, Duration lease, Duration timeout)
                throws InterruptedException {
            return healthy.acquireFenced(key, fenceKey, lease, Duration.ofDays(3650));
        }
    }

    /** Every acquisition, fenced or not, bumps a counter next to the lock key: loads leave keys behind. */
    static final class UnfencedKeepsACounter extends LockerDefect {
        UnfencedKeepsACounter(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public Optional<LockLease> tryAcquire(String key, Duration lease) {
            Optional<LockLease> acquired = healthy.tryAcquire(key, lease);
            acquired.ifPresent(l -> store.increment(key + ":fence"));
            return acquired;
        }
    }
}
