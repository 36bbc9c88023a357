package dev.cachekit.spring.boot;

import dev.cachekit.spring.CachekitCacheManager;

/**
 * Adjusts the {@link CachekitCacheManager} the starter builds, before it is built: declare a bean
 * of this type to add caches, settings or listeners the properties cannot express.
 */
@FunctionalInterface
public interface CachekitCacheManagerCustomizer {

    /**
     * Adjusts the builder.
     *
     * @param builder the builder, already holding the {@code cachekit.*} settings
     */
    void customize(CachekitCacheManager.Builder builder);
}
