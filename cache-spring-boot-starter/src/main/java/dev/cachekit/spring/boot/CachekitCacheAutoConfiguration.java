package dev.cachekit.spring.boot;

import dev.cachekit.Cache;
import dev.cachekit.spring.CacheSettings;
import dev.cachekit.spring.CacheStatistics;
import dev.cachekit.spring.CachekitCacheManager;
import io.micrometer.core.instrument.Tag;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Spring {@link CacheManager} over the {@link Cache} bean (unless the application has a
 * {@link CacheManager} of its own), its Micrometer cache meters and its health indicator.
 *
 * <p>Runs before Spring Boot's own cache auto-configuration, which then backs off.
 */
@AutoConfiguration(
        after = CachekitAutoConfiguration.class,
        beforeName = {
            "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
            "org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration"
        })
@ConditionalOnBean(Cache.class)
public class CachekitCacheAutoConfiguration {

    /**
     * The cache manager: caches listed under {@code cachekit.caches} exist from the start with
     * their settings; other names are created on first use unless {@code
     * cachekit.create-on-demand=false}.
     *
     * @param cache the cache
     * @param properties the properties
     * @param customizers adjustments of the application's
     * @return the manager
     */
    @Bean
    @ConditionalOnMissingBean(CacheManager.class)
    public CachekitCacheManager cacheManager(
            Cache cache, CachekitProperties properties, ObjectProvider<CachekitCacheManagerCustomizer> customizers) {
        CachekitCacheManager.Builder builder = CachekitCacheManager.builder(cache)
                .allowNullValues(properties.isAllowNullValues())
                .createOnDemand(properties.isCreateOnDemand());
        properties
                .getCaches()
                .forEach((name, spec) -> builder.cache(
                        name,
                        CacheSettings.defaults()
                                .withTtl(spec.getTtl())
                                .withNullTtl(spec.getNullTtl())
                                .withTags(spec.getTags())));
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** Micrometer meters per cache, bound the way Spring Boot binds its own caches'. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "io.micrometer.core.instrument.MeterRegistry",
                "org.springframework.boot.cache.metrics.CacheMeterBinderProvider"
            })
    static class Metrics {

        @Bean
        CachekitCacheMeterBinderProvider cachekitCacheMeterBinderProvider(CacheStatistics statistics) {
            return new CachekitCacheMeterBinderProvider(statistics);
        }

        /** Caches created after startup are bound when created; Boot binds only the ones it sees then. */
        @Bean
        CachekitCacheManagerCustomizer cachekitBindCachesCreatedLater(ObjectProvider<CacheMetricsRegistrar> registrar) {
            return builder -> builder.onCacheCreated(cache ->
                    registrar.ifAvailable(r -> r.bindCacheToRegistry(cache, Tag.of("cache.manager", "cacheManager"))));
        }
    }

    /** The health of the store. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    // Not @ConditionalOnEnabledHealthIndicator: its condition class would have to load even where
    // the health module is absent.
    @ConditionalOnProperty(prefix = "management.health.cachekit", name = "enabled", matchIfMissing = true)
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "cachekitHealthIndicator")
        CachekitHealthIndicator cachekitHealthIndicator(Cache cache) {
            return new CachekitHealthIndicator(cache);
        }
    }
}
