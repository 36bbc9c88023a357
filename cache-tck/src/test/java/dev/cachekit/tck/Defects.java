package dev.cachekit.tck;

import dev.cachekit.StoreException;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import dev.cachekit.spi.StoreLocker;
import dev.cachekit.spi.StoreTagger;
import dev.cachekit.spi.Tagger;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
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

    /** Every defective backend: these and the {@link EdgeDefects}. */
    static List<Defect> all() {
        List<Defect> all = new ArrayList<>(first());
        all.addAll(EdgeDefects.all());
        return all;
    }

    private static List<Defect> first() {
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
                // ---- store defects of the bulk paths, TTL rules, compare operations and keys ----
                store(
                        "a multi-get that answers only the first 1,024 keys",
                        MultiGetStopsAtAPage::new,
                        "thousandsOfKeysInOneMultiGet"),
                store(
                        "a multi-get that answers batches of over 1,000 keys in hash order",
                        MultiGetReordersLargeBatches::new,
                        "thousandsOfKeysInOneMultiGet"),
                store(
                        "a multi-get that hands out the same array again",
                        MultiGetSharesArrays::new,
                        "everyResultIsTheCallersOwnArray"),
                store(
                        "setAll that keeps the caller's arrays",
                        SetAllKeepsCallersArrays::new,
                        "everyWriteCopiesTheCallersArray"),
                store(
                        "a TTL capped at 30 days (the memcached habit)",
                        TtlCappedAt30Days::new,
                        "longTtlsAreKeptAsGiven"),
                store(
                        "a TTL kept in int milliseconds, capped at 24 days",
                        TtlInIntMillis::new,
                        "longTtlsAreKeptAsGiven"),
                store(
                        "compare-and-set with NO_EXPIRY that keeps the old TTL",
                        CompareAndSetIgnoresNoExpiry::new,
                        "noExpiryRemovesATtlOnEveryWrite"),
                store(
                        "setAll with NO_EXPIRY that keeps the old TTL",
                        SetAllIgnoresNoExpiry::new,
                        "noExpiryRemovesATtlOnEveryWrite"),
                store(
                        "expiry honoured by reads but not by conditional writes",
                        ConditionalWritesSeeExpiredEntries::new,
                        "conditionalWritesTreatExpiredEntriesAsAbsent"),
                store(
                        "1 ms declared, TTLs rounded up to half a second",
                        LingersHalfASecond::new,
                        "entryOfOneStepIsGoneAtTheDeclaredGranularity"),
                store(
                        "an empty expected value that matches anything",
                        EmptyExpectedIsAWildcard::new,
                        "emptyExpectedIsNotAWildcard"),
                store("values compared as UTF-8 text", ComparesAsText::new, "valuesAreComparedAsBytes"),
                store(
                        "values compared as C strings, up to the first zero byte",
                        ComparesUpToZero::new,
                        "valuesAreComparedAsBytes"),
                store(
                        "keys encoded as ASCII, every other character a '?'",
                        KeysFoldedToAscii::new,
                        "keysALossyEncodingWouldMergeStayApart"),
                store(
                        "keys with whitespace and control characters stripped",
                        KeysStripped::new,
                        "keysALossyEncodingWouldMergeStayApart"),
                store("keys normalized to Unicode NFKC", KeysNormalized::new, "keysALossyEncodingWouldMergeStayApart"),
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
                        "unfencedLeavesNothing"),
                // ---- outage defects of the outage contract: what a client does while its server is down ----
                store(
                        "a client that lets its own exception out while the server is down",
                        LeaksClientException::new,
                        "loadPolicyLoadsEachKeyOnce",
                        "failPolicyThrowsNamingTheServer",
                        "cacheCallsThrowStoreException",
                        "storeCallsThrowStoreException"),
                store(
                        "a client that answers misses and drops writes while the server is down",
                        SwallowsOutage::new,
                        "loadPolicyLoadsEachKeyOnce",
                        "failPolicyThrowsNamingTheServer",
                        "cacheCallsThrowStoreException",
                        "storeCallsThrowStoreException"),
                store(
                        "a client that never reconnects once its server was lost",
                        NeverReconnects::new,
                        "loadPolicyCachesAgain",
                        "failPolicyWorksAgain"));
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

    /**
     * A store that handles its server's errors its own way: {@link #failed} decides what a call that
     * met a {@link StoreException} does, given the answer that would hide the failure.
     */
    abstract static class OutageHandlingStore extends ForwardingStore {
        OutageHandlingStore(Store delegate) {
            super(delegate);
        }

        abstract <T> T failed(StoreException error, T quietAnswer);

        @Override
        public List<byte[]> getAll(List<String> keys) {
            try {
                return delegate.getAll(keys);
            } catch (StoreException e) {
                return failed(e, Arrays.asList(new byte[keys.size()][]));
            }
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            try {
                delegate.set(key, value, ttlMillis);
            } catch (StoreException e) {
                failed(e, null);
            }
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            try {
                delegate.setAll(entries, ttlMillis);
            } catch (StoreException e) {
                failed(e, null);
            }
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            try {
                return delegate.setIfAbsent(key, value, ttlMillis);
            } catch (StoreException e) {
                return failed(e, true);
            }
        }

        @Override
        public boolean delete(String key) {
            try {
                return delegate.delete(key);
            } catch (StoreException e) {
                return failed(e, false);
            }
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            try {
                return delegate.compareAndDelete(key, expected);
            } catch (StoreException e) {
                return failed(e, false);
            }
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            try {
                return delegate.compareAndSet(key, expected, value, ttlMillis);
            } catch (StoreException e) {
                return failed(e, false);
            }
        }

        @Override
        public long increment(String key) {
            try {
                return delegate.increment(key);
            } catch (StoreException e) {
                return failed(e, 1L);
            }
        }
    }

    /** Throws what its network layer threw, unwrapped. */
    static final class LeaksClientException extends OutageHandlingStore {
        LeaksClientException(Store delegate) {
            super(delegate);
        }

        @Override
        <T> T failed(StoreException error, T quietAnswer) {
            throw new UncheckedIOException(new ConnectException("Connection refused"));
        }
    }

    /** A read that fails is a miss, a write that fails succeeded: the outage is invisible. */
    static final class SwallowsOutage extends OutageHandlingStore {
        SwallowsOutage(Store delegate) {
            super(delegate);
        }

        @Override
        <T> T failed(StoreException error, T quietAnswer) {
            return quietAnswer;
        }
    }

    /** After its first failure the client is closed for good, and says so on every call. */
    static final class NeverReconnects extends OutageHandlingStore {
        private volatile StoreException lost;

        NeverReconnects(Store delegate) {
            super(delegate);
        }

        @Override
        <T> T failed(StoreException error, T quietAnswer) {
            lost = error;
            throw error;
        }

        private void checkNotLost() {
            StoreException first = lost;
            if (first != null) {
                throw new StoreException("client gave up after: " + first.getMessage(), first);
            }
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            checkNotLost();
            return super.getAll(keys);
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            checkNotLost();
            super.set(key, value, ttlMillis);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            checkNotLost();
            super.setAll(entries, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            checkNotLost();
            return super.setIfAbsent(key, value, ttlMillis);
        }

        @Override
        public boolean delete(String key) {
            checkNotLost();
            return super.delete(key);
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            checkNotLost();
            return super.compareAndDelete(key, expected);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            checkNotLost();
            return super.compareAndSet(key, expected, value, ttlMillis);
        }

        @Override
        public long increment(String key) {
            checkNotLost();
            return super.increment(key);
        }
    }

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
            return new StoreCapabilities(Duration.ofSeconds(1), own.maxKeyBytes(), own.maxValueBytes());
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
    static final class LongKeysTruncated extends KeyMappingStore {
        LongKeysTruncated(Store delegate) {
            super(delegate);
        }

        @Override
        String map(String key) {
            return key.length() > 250 ? key.substring(0, 250) : key;
        }
    }

    /** Sends every key through {@link #map}, as a store with a lossy key encoding does. */
    abstract static class KeyMappingStore extends ForwardingStore {
        KeyMappingStore(Store delegate) {
            super(delegate);
        }

        abstract String map(String key);

        @Override
        public List<byte[]> getAll(List<String> keys) {
            return delegate.getAll(keys.stream().map(this::map).toList());
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            delegate.set(map(key), value, ttlMillis);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            Map<String, byte[]> mapped = new LinkedHashMap<>();
            entries.forEach((key, value) -> mapped.put(map(key), value));
            delegate.setAll(mapped, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            return delegate.setIfAbsent(map(key), value, ttlMillis);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(map(key));
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            return delegate.compareAndDelete(map(key), expected);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(map(key), expected, value, ttlMillis);
        }

        @Override
        public long increment(String key) {
            return delegate.increment(map(key));
        }
    }

    // ---- stores: bulk paths, TTL rules, compare operations, keys --------------------------------

    /** Answers the first 1,024 keys and null for the rest, as a store that ignores a page limit. */
    static final class MultiGetStopsAtAPage extends ForwardingStore {
        MultiGetStopsAtAPage(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            if (keys.size() <= 1024) {
                return delegate.getAll(keys);
            }
            List<byte[]> values = new ArrayList<>(delegate.getAll(keys.subList(0, 1024)));
            values.addAll(Collections.nCopies(keys.size() - 1024, null));
            return values;
        }
    }

    /** Past 1,000 keys, answers the distinct keys in a hash set's order. */
    static final class MultiGetReordersLargeBatches extends ForwardingStore {
        MultiGetReordersLargeBatches(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            if (keys.size() <= 1000) {
                return delegate.getAll(keys);
            }
            List<String> distinct = new ArrayList<>(new HashSet<>(keys));
            List<byte[]> found = delegate.getAll(distinct);
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                values.add(found.get(i % found.size()));
            }
            return values;
        }
    }

    /** Keeps the arrays it returned and hands the same one out for a key until it changes. */
    static final class MultiGetSharesArrays extends ForwardingStore {
        private final Map<String, byte[]> handedOut = new ConcurrentHashMap<>();

        MultiGetSharesArrays(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            List<byte[]> values = new ArrayList<>(delegate.getAll(keys));
            for (int i = 0; i < keys.size(); i++) {
                byte[] value = values.get(i);
                if (value != null) {
                    byte[] earlier = handedOut.get(keys.get(i));
                    if (earlier != null && Arrays.equals(earlier, value)) {
                        values.set(i, earlier);
                    } else {
                        handedOut.put(keys.get(i), value);
                    }
                }
            }
            return values;
        }
    }

    /** Remembers the caller's arrays from setAll and answers reads of those keys from them. */
    static final class SetAllKeepsCallersArrays extends ForwardingStore {
        private final Map<String, byte[]> kept = new ConcurrentHashMap<>();

        SetAllKeepsCallersArrays(Store delegate) {
            super(delegate);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            delegate.setAll(entries, ttlMillis);
            kept.putAll(entries);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            List<byte[]> values = new ArrayList<>(delegate.getAll(keys));
            for (int i = 0; i < keys.size(); i++) {
                byte[] array = kept.get(keys.get(i));
                if (array != null && values.get(i) != null) {
                    values.set(i, array.clone());
                }
            }
            return values;
        }
    }

    /** Rewrites the TTL of every write that takes one. */
    abstract static class TtlRewritingStore extends ForwardingStore {
        TtlRewritingStore(Store delegate) {
            super(delegate);
        }

        abstract long rewrite(long ttlMillis);

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            delegate.set(key, value, rewrite(ttlMillis));
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            delegate.setAll(entries, rewrite(ttlMillis));
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            return delegate.setIfAbsent(key, value, rewrite(ttlMillis));
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(key, expected, value, rewrite(ttlMillis));
        }
    }

    static final class TtlCappedAt30Days extends TtlRewritingStore {
        TtlCappedAt30Days(Store delegate) {
            super(delegate);
        }

        @Override
        long rewrite(long ttlMillis) {
            return Math.min(ttlMillis, Duration.ofDays(30).toMillis());
        }
    }

    static final class TtlInIntMillis extends TtlRewritingStore {
        TtlInIntMillis(Store delegate) {
            super(delegate);
        }

        @Override
        long rewrite(long ttlMillis) {
            return (int) Math.min(ttlMillis, Integer.MAX_VALUE);
        }
    }

    /** Rounds every TTL up to a multiple of 500 ms while declaring 1 ms. */
    static final class LingersHalfASecond extends TtlRewritingStore {
        LingersHalfASecond(Store delegate) {
            super(delegate);
        }

        @Override
        long rewrite(long ttlMillis) {
            return ttlMillis == NO_EXPIRY ? NO_EXPIRY : (ttlMillis + 499) / 500 * 500;
        }
    }

    /** Remembers each key's expiry, and keeps it when a write asks for NO_EXPIRY. */
    abstract static class IgnoresNoExpiry extends ForwardingStore {
        private final Map<String, Long> expiresAt = new ConcurrentHashMap<>();

        IgnoresNoExpiry(Store delegate) {
            super(delegate);
        }

        void remember(String key, long ttlMillis) {
            if (ttlMillis != NO_EXPIRY) {
                expiresAt.put(key, System.currentTimeMillis() + ttlMillis);
            }
        }

        long kept(String key, long ttlMillis) {
            Long at = expiresAt.get(key);
            return ttlMillis != NO_EXPIRY || at == null ? ttlMillis : Math.max(1, at - System.currentTimeMillis());
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            remember(key, ttlMillis);
            delegate.set(key, value, ttlMillis);
        }
    }

    static final class CompareAndSetIgnoresNoExpiry extends IgnoresNoExpiry {
        CompareAndSetIgnoresNoExpiry(Store delegate) {
            super(delegate);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return delegate.compareAndSet(key, expected, value, kept(key, ttlMillis));
        }
    }

    static final class SetAllIgnoresNoExpiry extends IgnoresNoExpiry {
        SetAllIgnoresNoExpiry(Store delegate) {
            super(delegate);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            entries.forEach((key, value) -> delegate.set(key, value, kept(key, ttlMillis)));
        }
    }

    /** Conditional writes look at a copy of every value written that never expires. */
    static final class ConditionalWritesSeeExpiredEntries extends ForwardingStore {
        private final Map<String, byte[]> written = new ConcurrentHashMap<>();

        ConditionalWritesSeeExpiredEntries(Store delegate) {
            super(delegate);
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            written.put(key, value.clone());
            delegate.set(key, value, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            boolean wrote = delegate.setIfAbsent(key, value, ttlMillis);
            if (wrote) {
                written.put(key, value.clone());
            }
            return wrote;
        }

        @Override
        public synchronized boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            if (!Arrays.equals(written.get(key), expected)) {
                return false;
            }
            written.put(key, value.clone());
            delegate.set(key, value, ttlMillis);
            return true;
        }

        @Override
        public synchronized boolean compareAndDelete(String key, byte[] expected) {
            if (!Arrays.equals(written.get(key), expected)) {
                return false;
            }
            written.remove(key);
            delegate.delete(key);
            return true;
        }

        @Override
        public boolean delete(String key) {
            return written.remove(key) != null | delegate.delete(key);
        }
    }

    /** Compares through a view of the values; {@code matches} decides. Not atomic, as such stores are not. */
    abstract static class LooseCompareStore extends ForwardingStore {
        LooseCompareStore(Store delegate) {
            super(delegate);
        }

        abstract boolean matches(byte[] current, byte[] expected);

        @Override
        public synchronized boolean compareAndDelete(String key, byte[] expected) {
            byte[] current = delegate.get(key);
            return current != null && matches(current, expected) && delegate.delete(key);
        }

        @Override
        public synchronized boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            byte[] current = delegate.get(key);
            return current != null
                    && matches(current, expected)
                    && delegate.compareAndSet(key, current, value, ttlMillis);
        }
    }

    static final class EmptyExpectedIsAWildcard extends LooseCompareStore {
        EmptyExpectedIsAWildcard(Store delegate) {
            super(delegate);
        }

        @Override
        boolean matches(byte[] current, byte[] expected) {
            return expected.length == 0 || Arrays.equals(current, expected);
        }
    }

    static final class ComparesAsText extends LooseCompareStore {
        ComparesAsText(Store delegate) {
            super(delegate);
        }

        @Override
        boolean matches(byte[] current, byte[] expected) {
            return new String(current, StandardCharsets.UTF_8).equals(new String(expected, StandardCharsets.UTF_8));
        }
    }

    static final class ComparesUpToZero extends LooseCompareStore {
        ComparesUpToZero(Store delegate) {
            super(delegate);
        }

        @Override
        boolean matches(byte[] current, byte[] expected) {
            return Arrays.equals(upToZero(current), upToZero(expected));
        }

        private static byte[] upToZero(byte[] value) {
            for (int i = 0; i < value.length; i++) {
                if (value[i] == 0) {
                    return Arrays.copyOf(value, i);
                }
            }
            return value;
        }
    }

    static final class KeysFoldedToAscii extends KeyMappingStore {
        KeysFoldedToAscii(Store delegate) {
            super(delegate);
        }

        @Override
        String map(String key) {
            return new String(key.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
        }
    }

    static final class KeysStripped extends KeyMappingStore {
        KeysStripped(Store delegate) {
            super(delegate);
        }

        @Override
        String map(String key) {
            return key.replaceAll("[\\s\\p{Cntrl}\\u00A0\\u2028\\u3000]", "");
        }
    }

    static final class KeysNormalized extends KeyMappingStore {
        KeysNormalized(Store delegate) {
            super(delegate);
        }

        @Override
        String map(String key) {
            return Normalizer.normalize(key, Normalizer.Form.NFKC);
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
