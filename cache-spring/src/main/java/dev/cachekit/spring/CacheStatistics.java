package dev.cachekit.spring;

import dev.cachekit.CacheListener;
import java.time.Duration;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, per Spring cache name, what a {@link dev.cachekit.Cache} reports to its {@link
 * CacheListener}: the one place where cache events become numbers. Give it to the cache's builder
 * ({@code Caches.builder().listener(statistics)}); the Spring Boot starter does, and turns the
 * numbers into Micrometer meters.
 *
 * <p>An event belongs to the cache whose name comes before the first {@code ::} of its key (the
 * form {@link CachekitSpringCache} writes); events of other keys are ignored. A flush counts as a
 * clear of each flushed tag that is a cache name seen before.
 *
 * <p>Thread-safe; counting never blocks.
 */
public final class CacheStatistics implements CacheListener {

    private final ConcurrentMap<String, Counts> byName = new ConcurrentHashMap<>();

    /**
     * The counts of one cache, created empty on first use.
     *
     * @param cacheName the Spring cache name
     * @return its live counts
     */
    public Counts of(String cacheName) {
        return byName.computeIfAbsent(cacheName, name -> new Counts());
    }

    private Counts forKey(String key) {
        int end = key.indexOf(CachekitSpringCache.SEPARATOR);
        return end <= 0 ? null : of(key.substring(0, end));
    }

    @Override
    public void read(String key, ReadResult result, Duration took) {
        Counts counts = forKey(key);
        if (counts != null) {
            (result == ReadResult.MISS ? counts.misses : counts.hits).increment();
        }
    }

    @Override
    public void put(String key, Duration took) {
        Counts counts = forKey(key);
        if (counts != null) {
            counts.puts.increment();
        }
    }

    @Override
    public void stored(String key) {
        put(key, Duration.ZERO);
    }

    @Override
    public void removed(String key, Duration took) {
        Counts counts = forKey(key);
        if (counts != null) {
            counts.evictions.increment();
        }
    }

    @Override
    public void flushed(SortedSet<String> tags, Duration took) {
        for (String tag : tags) {
            Counts counts = byName.get(tag);
            if (counts != null) {
                counts.clears.increment();
            }
        }
    }

    @Override
    public void loaded(String key, Duration took) {
        Counts counts = forKey(key);
        if (counts != null) {
            counts.loadSuccesses.increment();
            counts.loadNanos.add(took.toNanos());
        }
    }

    @Override
    public void loadFailed(String key, Throwable failure) {
        Counts counts = forKey(key);
        if (counts != null) {
            counts.loadFailures.increment();
        }
    }

    @Override
    public void waited(String key, Duration waited, boolean gotValue) {
        Counts counts = forKey(key);
        if (counts != null) {
            if (gotValue) {
                counts.waitsWithValue.increment();
                counts.waitNanosWithValue.add(waited.toNanos());
            } else {
                counts.waitsWithoutValue.increment();
                counts.waitNanosWithoutValue.add(waited.toNanos());
            }
        }
    }

    @Override
    public String toString() {
        return "CacheStatistics" + byName.keySet();
    }

    /** The running counts of one Spring cache. Thread-safe. */
    public static final class Counts {
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder puts = new LongAdder();
        final LongAdder evictions = new LongAdder();
        final LongAdder clears = new LongAdder();
        final LongAdder loadSuccesses = new LongAdder();
        final LongAdder loadFailures = new LongAdder();
        final LongAdder loadNanos = new LongAdder();
        final LongAdder waitsWithValue = new LongAdder();
        final LongAdder waitNanosWithValue = new LongAdder();
        final LongAdder waitsWithoutValue = new LongAdder();
        final LongAdder waitNanosWithoutValue = new LongAdder();

        Counts() {}

        /**
         * Reads that found a value or a cached null.
         *
         * @return the count
         */
        public long hits() {
            return hits.sum();
        }

        /**
         * Reads that found nothing valid, including the second read a load makes after taking the
         * load lock.
         *
         * @return the count
         */
        public long misses() {
            return misses.sum();
        }

        /**
         * Entries written, by a put or by a load.
         *
         * @return the count
         */
        public long puts() {
            return puts.sum();
        }

        /**
         * Entries removed by key ({@code evict}).
         *
         * @return the count
         */
        public long evictions() {
            return evictions.sum();
        }

        /**
         * Flushes of the cache's tag ({@code clear}, {@code @CacheEvict(allEntries = true)}).
         *
         * @return the count
         */
        public long clears() {
            return clears.sum();
        }

        /**
         * Loader calls that returned.
         *
         * @return the count
         */
        public long loadSuccesses() {
            return loadSuccesses.sum();
        }

        /**
         * Loader calls that threw.
         *
         * @return the count
         */
        public long loadFailures() {
            return loadFailures.sum();
        }

        /**
         * Time spent in loader calls that returned.
         *
         * @return the total, in nanoseconds
         */
        public long loadNanos() {
            return loadNanos.sum();
        }

        /**
         * Waits for another caller's load (in this JVM or another) that ended with its value.
         *
         * @return the count
         */
        public long waitsWithValue() {
            return waitsWithValue.sum();
        }

        /**
         * Time spent in {@link #waitsWithValue()}.
         *
         * @return the total, in nanoseconds
         */
        public long waitNanosWithValue() {
            return waitNanosWithValue.sum();
        }

        /**
         * Waits for another caller's load that ended without a value (the lock came free empty, the
         * load timeout passed, the other load failed).
         *
         * @return the count
         */
        public long waitsWithoutValue() {
            return waitsWithoutValue.sum();
        }

        /**
         * Time spent in {@link #waitsWithoutValue()}.
         *
         * @return the total, in nanoseconds
         */
        public long waitNanosWithoutValue() {
            return waitNanosWithoutValue.sum();
        }
    }
}
