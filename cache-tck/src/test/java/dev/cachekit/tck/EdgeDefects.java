package dev.cachekit.tck;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreLocker;
import dev.cachekit.spi.StoreTagger;
import dev.cachekit.spi.Tagger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Broken backends whose one defect sits at the edge of a promise of the SPI javadoc: several tags
 * at once, a stated limit at its longest, the same client acquiring again, a wait bound, a batch
 * of uneven size, the order of two steps. Each passed the kit before the test named with it was
 * written.
 */
final class EdgeDefects {

    private EdgeDefects() {}

    static List<Defects.Defect> all() {
        return List.of(
                // ---- several tags at once ----
                tagger(
                        "a flush of several tags that flushes only the first",
                        FlushesOnlyTheFirstTag::new,
                        "flushOfSeveralTagsGivesEachANewVersion",
                        "flushOfSeveralTagsInvalidatesEveryEntryCarryingOne"),
                tagger(
                        "a flush of several tags that writes each tag in a round trip of its own",
                        FlushesOneTagPerCall::new,
                        "flushOfSeveralTagsIsOneMultiSet"),
                tagger(
                        "versions of several tags answered present ones first, then the new ones",
                        VersionsPresentFirst::new,
                        "versionsOfSeveralTagsPresentAndNewAreInOrder"),
                // ---- stated limits at their longest ----
                tagger(
                        "a tag version that embeds its tag key, so a long tag key makes it longer than 255 bytes",
                        VersionEmbedsTheTagKey::new,
                        "versionIsAtMost255BytesForTheLongestTagKey"),
                store(
                        "setAll that cuts keys to 250 bytes (the bulk path encodes keys its own way)",
                        SetAllCutsLongKeys::new,
                        "longestKeyOnEveryOperation"),
                store(
                        "setAll and compareAndSet that cut values at 512 KiB (a bulk buffer of fixed size)",
                        BulkWritesCutLargeValues::new,
                        "largestValueOnEveryWrite"),
                store(
                        "an increment that gives the counter a TTL of a day (INCR, then EXPIRE)",
                        IncrementWithATtl::new,
                        "counterNeverExpires"),
                // ---- owner tokens per acquisition ----
                locker(
                        "an owner token per client, not per acquisition",
                        OwnerTokenPerClient::new,
                        "sameClientsNextLeaseIsNotTheOldOnes"),
                locker(
                        "an owner token per thread, not per acquisition",
                        OwnerTokenPerThread::new,
                        "sameClientsNextLeaseIsNotTheOldOnes"),
                // ---- waits bounded by their maxWait or timeout ----
                locker(
                        "awaitRelease that waits ten times its maxWait",
                        AwaitWaitsTenTimesItsMaxWait::new,
                        "awaitReleaseReturnsByItsMaxWaitWhileTheLockIsHeld"),
                locker(
                        "a wait-acquire that waits ten times its timeout",
                        AcquireWaitsTenTimesItsTimeout::new,
                        "acquireGivesUpByItsTimeoutWhileTheLockIsHeld"),
                // ---- batch boundaries at uneven sizes ----
                store(
                        "a multi-get in batches of 100 that loses the keys after the last full batch",
                        MultiGetLosesTheTail::new,
                        "bulkPathsAtUnevenSizes"),
                store(
                        "setAll in batches of 1,000 that drops the entries after the last full batch",
                        SetAllLosesTheTail::new,
                        "bulkPathsAtUnevenSizes"),
                // ---- the order of two steps ----
                locker(
                        "a release signal published just before the lock key is deleted (no pause between)",
                        SignalsJustBeforeDelete::new,
                        "signalIsSentOnlyAfterTheDeleteReturned"),
                locker(
                        "a waiter that looks at the lock before subscribing, not after",
                        LooksBeforeSubscribing::new,
                        "releaseBetweenTheWaitersLookAndItsSubscriptionWakesIt"),
                new Defects.Defect(
                        "a release signal that wakes every waiter of every key",
                        () -> DefectiveFixture.named("broadcast signal")
                                .signal(BroadcastSignal::new)
                                .build(),
                        Set.of("signalWakesOnlyTheWaitersOfItsKey")));
    }

    private static Defects.Defect tagger(String name, Function<Store, Tagger> defect, String... caughtBy) {
        return new Defects.Defect(
                name,
                () -> DefectiveFixture.named(name).tagger(defect).build(),
                new LinkedHashSet<>(List.of(caughtBy)));
    }

    private static Defects.Defect store(String name, Function<Store, Store> defect, String... caughtBy) {
        return new Defects.Defect(
                name, () -> DefectiveFixture.named(name).store(defect).build(), new LinkedHashSet<>(List.of(caughtBy)));
    }

    private static Defects.Defect locker(
            String name, BiFunction<Store, LockSignal, Locker> defect, String... caughtBy) {
        return new Defects.Defect(
                name,
                () -> DefectiveFixture.named(name).locker(defect).build(),
                new LinkedHashSet<>(List.of(caughtBy)));
    }

    // ---- taggers --------------------------------------------------------------------------------

    /** Flushes {@code tagKeys.get(0)} only: every single-tag flush is right. */
    static final class FlushesOnlyTheFirstTag implements Tagger {
        private final StoreTagger healthy;

        FlushesOnlyTheFirstTag(Store store) {
            this.healthy = new StoreTagger(store);
        }

        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            return healthy.versions(tagKeys);
        }

        @Override
        public void flush(List<String> tagKeys) {
            healthy.flush(tagKeys.subList(0, Math.min(1, tagKeys.size())));
        }
    }

    /** One multi-set per tag: right, but a flush of n tags costs n round trips. */
    static final class FlushesOneTagPerCall implements Tagger {
        private final StoreTagger healthy;

        FlushesOneTagPerCall(Store store) {
            this.healthy = new StoreTagger(store);
        }

        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            return healthy.versions(tagKeys);
        }

        @Override
        public void flush(List<String> tagKeys) {
            for (String tagKey : tagKeys) {
                healthy.flush(List.of(tagKey));
            }
        }
    }

    /** Collects the versions found, then appends the ones it created: positions shift when they mix. */
    static final class VersionsPresentFirst implements Tagger {
        private final Store store;
        private final StoreTagger healthy;

        VersionsPresentFirst(Store store) {
            this.store = store;
            this.healthy = new StoreTagger(store);
        }

        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            List<byte[]> found = store.getAll(tagKeys);
            List<byte[]> present = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < tagKeys.size(); i++) {
                if (found.get(i) != null) {
                    present.add(found.get(i));
                } else {
                    missing.add(tagKeys.get(i));
                }
            }
            if (!missing.isEmpty()) {
                present.addAll(healthy.versions(missing));
            }
            return present;
        }

        @Override
        public void flush(List<String> tagKeys) {
            healthy.flush(tagKeys);
        }
    }

    /** A version of the tag key's bytes and 16 random ones, "unique across tags", too long for long keys. */
    static final class VersionEmbedsTheTagKey implements Tagger {
        private final Store store;

        VersionEmbedsTheTagKey(Store store) {
            this.store = store;
        }

        private static byte[] fresh(String tagKey) {
            byte[] name = tagKey.getBytes(StandardCharsets.UTF_8);
            byte[] random = StoreTagger.newVersion();
            byte[] version = Arrays.copyOf(name, name.length + random.length);
            System.arraycopy(random, 0, version, name.length, random.length);
            return version;
        }

        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            List<byte[]> result = new ArrayList<>(store.getAll(tagKeys));
            for (int i = 0; i < result.size(); i++) {
                if (result.get(i) == null) {
                    String key = tagKeys.get(i);
                    store.setIfAbsent(key, fresh(key), Store.NO_EXPIRY);
                    result.set(i, store.get(key));
                }
            }
            return result;
        }

        @Override
        public void flush(List<String> tagKeys) {
            Map<String, byte[]> next = new LinkedHashMap<>();
            tagKeys.forEach(key -> next.put(key, fresh(key)));
            store.setAll(next, Store.NO_EXPIRY);
        }
    }

    // ---- stores ---------------------------------------------------------------------------------

    /** Keys written by setAll are cut to 250 UTF-8 bytes; every other path keeps them whole. */
    static final class SetAllCutsLongKeys extends ForwardingStore {
        SetAllCutsLongKeys(Store delegate) {
            super(delegate);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            Map<String, byte[]> cut = new LinkedHashMap<>();
            entries.forEach((key, value) -> {
                byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
                cut.put(
                        bytes.length <= 250 ? key : new String(Arrays.copyOf(bytes, 250), StandardCharsets.UTF_8),
                        value);
            });
            delegate.setAll(cut, ttlMillis);
        }
    }

    /** setAll, setIfAbsent and compareAndSet keep the first 512 KiB of a value; set keeps it whole. */
    static final class BulkWritesCutLargeValues extends ForwardingStore {
        private static final int BUFFER = 512 << 10;

        BulkWritesCutLargeValues(Store delegate) {
            super(delegate);
        }

        private static byte[] cut(byte[] value) {
            return value.length <= BUFFER ? value : Arrays.copyOf(value, BUFFER);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            Map<String, byte[]> cut = new LinkedHashMap<>();
            entries.forEach((key, value) -> cut.put(key, cut(value)));
            delegate.setAll(cut, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            return delegate.setIfAbsent(key, cut(value), ttlMillis);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(key, expected, cut(value), ttlMillis);
        }
    }

    /** Counts right, then gives the counter a TTL of a day (only if no other increment came in between). */
    static final class IncrementWithATtl extends ForwardingStore {
        IncrementWithATtl(Store delegate) {
            super(delegate);
        }

        @Override
        public long increment(String key) {
            long value = delegate.increment(key);
            byte[] bytes = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            delegate.compareAndSet(key, bytes, bytes, Duration.ofDays(1).toMillis());
            return value;
        }
    }

    /** Asks in batches of 100 and answers null for every key after the last full batch. */
    static final class MultiGetLosesTheTail extends ForwardingStore {
        private static final int BATCH = 100;

        MultiGetLosesTheTail(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            if (keys.size() <= BATCH) {
                return delegate.getAll(keys);
            }
            int full = keys.size() / BATCH * BATCH;
            List<byte[]> values = new ArrayList<>();
            for (int from = 0; from < full; from += BATCH) {
                values.addAll(delegate.getAll(keys.subList(from, from + BATCH)));
            }
            values.addAll(Collections.nCopies(keys.size() - full, null));
            return values;
        }
    }

    /** Writes in batches of 1,000 and drops the entries after the last full batch. */
    static final class SetAllLosesTheTail extends ForwardingStore {
        private static final int BATCH = 1_000;

        SetAllLosesTheTail(Store delegate) {
            super(delegate);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            if (entries.size() <= BATCH) {
                delegate.setAll(entries, ttlMillis);
                return;
            }
            int full = entries.size() / BATCH * BATCH;
            Map<String, byte[]> batch = new LinkedHashMap<>();
            int written = 0;
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                if (written++ == full) {
                    break;
                }
                batch.put(entry.getKey(), entry.getValue());
                if (batch.size() == BATCH) {
                    delegate.setAll(batch, ttlMillis);
                    batch = new LinkedHashMap<>();
                }
            }
        }
    }

    // ---- lockers and signals ----------------------------------------------------------------------

    /**
     * A locker over the store with the owner token chosen by {@link #owner()}: acquire is
     * set-if-absent, release compare-and-delete then the signal, renew compare-and-set.
     */
    abstract static class ChosenOwnerLocker extends Defects.LockerDefect {
        ChosenOwnerLocker(Store store, LockSignal signal) {
            super(store, signal);
        }

        abstract String owner();

        @Override
        public Optional<LockLease> tryAcquire(String key, Duration lease) {
            String owner = owner();
            return store.setIfAbsent(key, owner.getBytes(StandardCharsets.US_ASCII), lease.toMillis())
                    ? Optional.of(new LockLease(key, owner, LockLease.UNFENCED))
                    : Optional.empty();
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            return tryAcquire(key, lease).map(l -> new LockLease(key, l.ownerToken(), nextToken(fenceKey)));
        }

        private long nextToken(String fenceKey) {
            long clock = StoreLocker.systemClockMicros().getAsLong();
            while (true) {
                byte[] current = store.get(fenceKey);
                long next = current == null
                        ? clock
                        : Math.max(Long.parseLong(new String(current, StandardCharsets.US_ASCII)) + 1, clock);
                byte[] written = Long.toString(next).getBytes(StandardCharsets.US_ASCII);
                if (current == null
                        ? store.setIfAbsent(fenceKey, written, Store.NO_EXPIRY)
                        : store.compareAndSet(fenceKey, current, written, Store.NO_EXPIRY)) {
                    return next;
                }
            }
        }

        @Override
        public boolean release(LockLease lease) {
            boolean released = store.compareAndDelete(lease.key(), owner(lease));
            if (released && signal != null) {
                signal.publish(lease.key());
            }
            return released;
        }

        @Override
        public boolean renew(LockLease lease, Duration extension) {
            return store.compareAndSet(lease.key(), owner(lease), owner(lease), extension.toMillis());
        }
    }

    /** One owner token for every lock this client takes: its old leases hold its new ones. */
    static final class OwnerTokenPerClient extends ChosenOwnerLocker {
        private final String client = UUID.randomUUID().toString();

        OwnerTokenPerClient(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        String owner() {
            return client;
        }
    }

    /** The owner token of the calling thread (a client id and a thread id, as some lock libraries do). */
    static final class OwnerTokenPerThread extends ChosenOwnerLocker {
        private final String client = UUID.randomUUID().toString();

        OwnerTokenPerThread(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        String owner() {
            return client + ":" + Thread.currentThread().getId();
        }
    }

    /**
     * Waits ten times its maxWait (a bound counted in the wrong unit). An unbounded wait is caught
     * already: every wait-acquire goes through it, and the kit times those out.
     */
    static final class AwaitWaitsTenTimesItsMaxWait extends Defects.LockerDefect {
        AwaitWaitsTenTimesItsMaxWait(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
            healthy.awaitRelease(key, maxWait.multipliedBy(10));
        }
    }

    /** Gives up only after ten times its timeout (a timeout per attempt, ten attempts). */
    static final class AcquireWaitsTenTimesItsTimeout extends Defects.LockerDefect {
        AcquireWaitsTenTimesItsTimeout(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public Optional<LockLease> acquire(String key, Duration lease, Duration timeout) throws InterruptedException {
            return healthy.acquire(key, lease, timeout.multipliedBy(10));
        }

        @Override
        public Optional<LockLease> acquireFenced(String key, String fenceKey, Duration lease, Duration timeout)
                throws InterruptedException {
            return healthy.acquireFenced(key, fenceKey, lease, timeout.multipliedBy(10));
        }
    }

    /** Publishes, then deletes: right after one another, so a waiter that wakes fast sees the key. */
    static final class SignalsJustBeforeDelete extends Defects.LockerDefect {
        SignalsJustBeforeDelete(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public boolean release(LockLease lease) {
            if (signal != null) {
                signal.publish(lease.key());
            }
            return store.compareAndDelete(lease.key(), owner(lease));
        }
    }

    /** Looks whether the lock is free, then subscribes: a release in between reaches nobody. */
    static final class LooksBeforeSubscribing extends Defects.LockerDefect {
        LooksBeforeSubscribing(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
            if (signal == null) {
                healthy.awaitRelease(key, maxWait);
                return;
            }
            if (store.get(key) == null) {
                return;
            }
            CountDownLatch released = new CountDownLatch(1);
            try (LockSignal.Subscription ignored = signal.subscribe(key, released::countDown)) {
                released.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Every release goes to one channel every waiter listens on, whatever its key. */
    static final class BroadcastSignal implements LockSignal {
        private static final String EVERYONE = "everyone";
        private final LockSignal healthy;

        BroadcastSignal(LockSignal healthy) {
            this.healthy = healthy;
        }

        @Override
        public void publish(String key) {
            healthy.publish(EVERYONE);
        }

        @Override
        public Subscription subscribe(String key, Runnable onRelease) {
            return healthy.subscribe(EVERYONE, onRelease);
        }

        @Override
        public void close() {
            healthy.close();
        }
    }
}
