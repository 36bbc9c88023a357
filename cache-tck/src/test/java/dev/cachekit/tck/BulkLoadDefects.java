package dev.cachekit.tck;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreLocker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Backends that are the memory backend with one defect of the bulk-load path ({@link
 * Store#setIfAbsentAll}, {@link Locker#tryAcquireAll}), and the {@link BulkLoadContract} tests
 * that must catch it.
 */
final class BulkLoadDefects {

    private BulkLoadDefects() {}

    static List<Defects.Defect> all() {
        return List.of(
                locker(
                        "tryAcquireAll that reports a lock another owner holds as acquired",
                        (store, signal) -> new ClaimsHeldLocks(new StoreLocker(store, signal)),
                        "tryAcquireAllIsExclusive",
                        "overlappingSetsAcrossClientsLoadEachKeyOnce"),
                locker(
                        "tryAcquireAll that answers in the reverse order of the keys",
                        (store, signal) -> new AnswersReversed(new StoreLocker(store, signal)),
                        "tryAcquireAllIsExclusive"),
                store(
                        "setIfAbsentAll that writes over present keys",
                        SetIfAbsentAllOverwrites::new,
                        "setIfAbsentAllIsPositional",
                        "tryAcquireAllIsExclusive"));
    }

    private static Defects.Defect locker(
            String name, BiFunction<Store, LockSignal, Locker> defect, String... caughtBy) {
        return new Defects.Defect(
                name,
                () -> DefectiveFixture.named(name).locker(defect).build(),
                new LinkedHashSet<>(List.of(caughtBy)));
    }

    private static Defects.Defect store(String name, Function<Store, Store> defect, String... caughtBy) {
        return new Defects.Defect(
                name, () -> DefectiveFixture.named(name).store(defect).build(), new LinkedHashSet<>(List.of(caughtBy)));
    }

    /** A locker that passes every call on; a defect overrides the one it gets wrong. */
    private abstract static class ForwardingLocker implements Locker {
        final Locker delegate;

        ForwardingLocker(Locker delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<LockLease> tryAcquire(String key, Duration lease) {
            return delegate.tryAcquire(key, lease);
        }

        @Override
        public List<Optional<LockLease>> tryAcquireAll(List<String> keys, Duration lease) {
            return delegate.tryAcquireAll(keys, lease);
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            return delegate.tryAcquireFenced(key, fenceKey, lease);
        }

        @Override
        public boolean release(LockLease lease) {
            return delegate.release(lease);
        }

        @Override
        public boolean renew(LockLease lease, Duration extension) {
            return delegate.renew(lease, extension);
        }

        @Override
        public void abandon(LockLease lease, Duration duration) {
            delegate.abandon(lease, duration);
        }

        @Override
        public boolean signalsRelease() {
            return delegate.signalsRelease();
        }

        @Override
        public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
            delegate.awaitRelease(key, maxWait);
        }
    }

    /** Hands out a made-up lease for every lock it did not get: two holders at once. */
    static final class ClaimsHeldLocks extends ForwardingLocker {
        ClaimsHeldLocks(Locker delegate) {
            super(delegate);
        }

        @Override
        public List<Optional<LockLease>> tryAcquireAll(List<String> keys, Duration lease) {
            List<Optional<LockLease>> leases = new ArrayList<>(delegate.tryAcquireAll(keys, lease));
            for (int i = 0; i < leases.size(); i++) {
                if (leases.get(i).isEmpty()) {
                    leases.set(
                            i,
                            Optional.of(
                                    new LockLease(keys.get(i), UUID.randomUUID().toString(), 0)));
                }
            }
            return leases;
        }
    }

    /** Takes the right locks but answers them back to front. */
    static final class AnswersReversed extends ForwardingLocker {
        AnswersReversed(Locker delegate) {
            super(delegate);
        }

        @Override
        public List<Optional<LockLease>> tryAcquireAll(List<String> keys, Duration lease) {
            List<Optional<LockLease>> leases = new ArrayList<>(delegate.tryAcquireAll(keys, lease));
            Collections.reverse(leases);
            return leases;
        }
    }

    /** A batch set-if-absent that is a plain batch set: every key is written, and every answer is yes. */
    static final class SetIfAbsentAllOverwrites extends ForwardingStore {
        SetIfAbsentAllOverwrites(Store delegate) {
            super(delegate);
        }

        @Override
        public List<Boolean> setIfAbsentAll(Map<String, byte[]> entries, long ttlMillis) {
            delegate.setAll(entries, ttlMillis);
            return new ArrayList<>(Collections.nCopies(entries.size(), Boolean.TRUE));
        }
    }
}
