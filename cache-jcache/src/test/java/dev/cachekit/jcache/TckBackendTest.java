package dev.cachekit.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;

/** Runs with each TCK execution: the TCK's default cache manager really is on the named backend. */
class TckBackendTest {

    @Test
    void theDefaultCacheManagerIsOnTheBackendTheRunNames() {
        String backend = System.getProperty(TckBackend.BACKEND_PROPERTY, "memory");
        CacheManager manager = Caching.getCachingProvider().getCacheManager();

        String described = manager.unwrap(dev.cachekit.Cache.class).describe();

        assertThat(described).startsWith(backend);
        assertThat(manager.getURI().toString()).startsWith(backend + ":");
    }
}
