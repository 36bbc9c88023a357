package dev.cachekit.spring.boot;

import dev.cachekit.spring.CacheStatistics;
import dev.cachekit.spring.CachekitSpringCache;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

/**
 * Lets Spring Boot's {@code CacheMetricsRegistrar} bind a {@link CachekitCacheMeterBinder} to each
 * {@link CachekitSpringCache}, as it does for its own caches.
 */
public class CachekitCacheMeterBinderProvider implements CacheMeterBinderProvider<CachekitSpringCache> {

    private final CacheStatistics statistics;

    /**
     * Creates the provider.
     *
     * @param statistics the counters the cache reports to
     */
    public CachekitCacheMeterBinderProvider(CacheStatistics statistics) {
        this.statistics = statistics;
    }

    @Override
    public MeterBinder getMeterBinder(CachekitSpringCache cache, Iterable<Tag> tags) {
        return new CachekitCacheMeterBinder(cache, statistics.of(cache.getName()), tags);
    }
}
