package dev.cachekit.spring.boot;

import dev.cachekit.spring.CacheStatistics;
import dev.cachekit.spring.CachekitSpringCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one {@link CachekitSpringCache}, all tagged {@code cache=<name>}: Micrometer's
 * common cache meters ({@code cache.gets} with {@code result=hit|miss}, {@code cache.puts}, {@code
 * cache.evictions}) and
 *
 * <ul>
 *   <li>{@code cache.load} with {@code result=success|failure}: loader calls;
 *   <li>{@code cache.load.duration}: time in loader calls that returned;
 *   <li>{@code cache.load.wait} with {@code result=value|none}: callers that waited for another
 *       caller's load, and how long, by whether the wait ended with its value;
 *   <li>{@code cache.clears}: flushes of the cache's tag.
 * </ul>
 *
 * <p>The size is unknown (a tag does not count its entries), so there is no {@code cache.size}.
 */
public class CachekitCacheMeterBinder extends CacheMeterBinder<CachekitSpringCache> {

    private final CacheStatistics.Counts counts;

    /**
     * Creates the binder.
     *
     * @param cache the cache
     * @param counts its counts
     * @param tags extra tags of every meter
     */
    public CachekitCacheMeterBinder(CachekitSpringCache cache, CacheStatistics.Counts counts, Iterable<Tag> tags) {
        super(cache, cache.getName(), tags);
        this.counts = counts;
    }

    @Override
    protected Long size() {
        return null;
    }

    @Override
    protected long hitCount() {
        return counts.hits();
    }

    @Override
    protected Long missCount() {
        return counts.misses();
    }

    @Override
    protected Long evictionCount() {
        return counts.evictions();
    }

    @Override
    protected long putCount() {
        return counts.puts();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        Iterable<Tag> tags = getTagsWithCacheName();
        FunctionCounter.builder("cache.load", counts, CacheStatistics.Counts::loadSuccesses)
                .tags(tags)
                .tag("result", "success")
                .description("Loader calls that returned")
                .register(registry);
        FunctionCounter.builder("cache.load", counts, CacheStatistics.Counts::loadFailures)
                .tags(tags)
                .tag("result", "failure")
                .description("Loader calls that threw")
                .register(registry);
        FunctionTimer.builder(
                        "cache.load.duration",
                        counts,
                        CacheStatistics.Counts::loadSuccesses,
                        CacheStatistics.Counts::loadNanos,
                        TimeUnit.NANOSECONDS)
                .tags(tags)
                .description("Time spent in loader calls that returned")
                .register(registry);
        FunctionTimer.builder(
                        "cache.load.wait",
                        counts,
                        CacheStatistics.Counts::waitsWithValue,
                        CacheStatistics.Counts::waitNanosWithValue,
                        TimeUnit.NANOSECONDS)
                .tags(tags)
                .tag("result", "value")
                .description("Waits for another caller's load that ended with its value")
                .register(registry);
        FunctionTimer.builder(
                        "cache.load.wait",
                        counts,
                        CacheStatistics.Counts::waitsWithoutValue,
                        CacheStatistics.Counts::waitNanosWithoutValue,
                        TimeUnit.NANOSECONDS)
                .tags(tags)
                .tag("result", "none")
                .description("Waits for another caller's load that ended without a value")
                .register(registry);
        FunctionCounter.builder("cache.clears", counts, CacheStatistics.Counts::clears)
                .tags(tags)
                .description("Flushes of the cache's tag")
                .register(registry);
    }
}
