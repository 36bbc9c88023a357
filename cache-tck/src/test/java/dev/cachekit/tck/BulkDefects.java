package dev.cachekit.tck;

import dev.cachekit.spi.Store;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Deliberately broken stores that the {@link BulkContract} must reject, each with the tests that catch it. */
final class BulkDefects {

    private BulkDefects() {}

    static List<Defects.Defect> all() {
        return List.of(
                store(
                        "a multi-get that drops the last value of a batch over 100 keys",
                        LargeMultiGetDropsLast::new,
                        "largeMultiGet",
                        "oneRoundTrip"),
                store(
                        "a deleteAll that deletes only the first key",
                        DeleteAllOnlyFirst::new,
                        "deleteAllCounts",
                        "deleteAllLarge",
                        "removeAll"),
                store(
                        "a deleteAll that counts every key given, present or not, repeated or not",
                        DeleteAllCountsEveryKey::new,
                        "deleteAllCounts"),
                store(
                        "a deleteAll that stops after 100 keys, as a protocol limit would without splitting",
                        DeleteAllStopsAtHundred::new,
                        "deleteAllLarge",
                        "removeAll"));
    }

    private static Defects.Defect store(String name, Function<Store, Store> defect, String... caughtBy) {
        Set<String> tests = new LinkedHashSet<>(List.of(caughtBy));
        return new Defects.Defect(
                name, () -> DefectiveFixture.named(name).store(defect).build(), tests);
    }

    /** Drops (answers absent) the last key of a multi-get of more than 100 keys. */
    static final class LargeMultiGetDropsLast extends ForwardingStore {
        LargeMultiGetDropsLast(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            List<byte[]> values = new ArrayList<>(delegate.getAll(keys));
            if (values.size() > 100) {
                values.set(values.size() - 1, null);
            }
            return values;
        }
    }

    static final class DeleteAllOnlyFirst extends ForwardingStore {
        DeleteAllOnlyFirst(Store delegate) {
            super(delegate);
        }

        @Override
        public int deleteAll(List<String> keys) {
            return keys.isEmpty() ? 0 : delegate.delete(keys.get(0)) ? 1 : 0;
        }
    }

    static final class DeleteAllCountsEveryKey extends ForwardingStore {
        DeleteAllCountsEveryKey(Store delegate) {
            super(delegate);
        }

        @Override
        public int deleteAll(List<String> keys) {
            keys.forEach(delegate::delete);
            return keys.size();
        }
    }

    static final class DeleteAllStopsAtHundred extends ForwardingStore {
        DeleteAllStopsAtHundred(Store delegate) {
            super(delegate);
        }

        @Override
        public int deleteAll(List<String> keys) {
            List<String> distinct = List.copyOf(new LinkedHashSet<>(keys));
            return delegate.deleteAll(distinct.subList(0, Math.min(100, distinct.size())));
        }
    }
}
