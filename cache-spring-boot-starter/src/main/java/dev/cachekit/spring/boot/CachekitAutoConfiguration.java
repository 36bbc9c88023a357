package dev.cachekit.spring.boot;

import dev.cachekit.Cache;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.StoreException;
import dev.cachekit.codec.Codec;
import dev.cachekit.codec.KryoCodec;
import dev.cachekit.core.CacheBuilder;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.UriOptions;
import dev.cachekit.spring.CacheStatistics;
import java.net.URI;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Builds the {@link Cache} from the {@code cachekit.*} properties when {@code cachekit.uri} is set
 * and no {@link Cache} bean exists (a bean of your own wins), with a {@link CacheStatistics}
 * listener that the metrics read.
 *
 * <p>A {@link Cache} bean of your own reports to the metrics only if you give it the {@link
 * CacheStatistics} bean: {@code Caches.builder().uri(...).listener(statistics).build()}.
 */
@AutoConfiguration
@EnableConfigurationProperties(CachekitProperties.class)
public class CachekitAutoConfiguration implements BeanClassLoaderAware {

    private static final Logger LOG = LoggerFactory.getLogger(CachekitAutoConfiguration.class);

    private ClassLoader classLoader = CachekitAutoConfiguration.class.getClassLoader();

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /**
     * The per-cache-name counters the metrics read.
     *
     * @return the statistics
     */
    @Bean
    @ConditionalOnMissingBean
    public CacheStatistics cachekitStatistics() {
        return new CacheStatistics();
    }

    /**
     * The cache, from {@code cachekit.*}. If its store cannot be reached, the application still
     * starts (unless {@code cachekit.require-store-at-startup=true}): the cache's calls then fail as
     * on a store that went down, {@code getOrLoad} follows {@code onStoreError}, the health
     * indicator is DOWN, and the cache connects once the store answers.
     *
     * @param properties the properties
     * @param statistics the listener the cache reports to
     * @return the cache, closed with the context
     * @throws StoreException if the store cannot be reached and {@code
     *     cachekit.require-store-at-startup=true}
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Cache.class)
    @ConditionalOnProperty(prefix = "cachekit", name = "uri")
    public Cache cachekitCache(CachekitProperties properties, CacheStatistics statistics) {
        KryoCodec.Builder kryo = KryoCodec.builder().classLoader(classLoader);
        for (String allowed : properties.getCodec().getAllowPackages()) {
            kryo.allowPackage(allowed.endsWith(".") ? allowed : allowed + ".");
        }
        Codec codec = new AllowListAdvice(kryo.build());
        Supplier<CacheBuilder> configured = () -> {
            CacheBuilder builder = Caches.builder().listener(statistics).codec(codec);
            if (properties.getPrefix() != null) {
                builder.keyPrefix(properties.getPrefix());
            }
            if (properties.getTtl() != null) {
                builder.defaultTtl(properties.getTtl());
            }
            if (properties.getNullTtl() != null) {
                builder.nullTtl(properties.getNullTtl());
            }
            return builder;
        };
        String uri = properties.getUri();
        try {
            return configured.get().uri(uri).build();
        } catch (StoreException e) {
            if (properties.isRequireStoreAtStartup()) {
                throw new StoreException(
                        e.getMessage() + "; the application does not start without its store because"
                                + " cachekit.require-store-at-startup=true (set it to false to start anyway,"
                                + " with the health indicator DOWN until the store answers)",
                        e);
            }
            String store = UriOptions.redact(uri);
            LOG.warn(
                    "cachekit: {} is unreachable at startup ({}); the application starts, cache calls fail as on"
                            + " a store that is down (getOrLoad follows onStoreError) and the health indicator is"
                            + " DOWN until it answers; set cachekit.require-store-at-startup=true to refuse to start",
                    store,
                    e.getMessage());
            return DeferredCache.create(
                    store,
                    () -> configured.get().uri(uri).build(),
                    backend -> configured
                            .get()
                            .backend(backend)
                            .storeErrorPolicy(storeErrorPolicy(uri))
                            .build(),
                    e);
        }
    }

    /** The URI's {@code onStoreError}, which a cache over another backend would not read. */
    private static StoreErrorPolicy storeErrorPolicy(String uri) {
        try {
            return UriOptions.of(URI.create(uri))
                    .take("onStoreError")
                    .map(text -> StoreErrorPolicy.valueOf(text.trim().toUpperCase(Locale.ROOT)))
                    .orElse(StoreErrorPolicy.FAIL);
        } catch (IllegalArgumentException e) {
            // The cache builder read the option before the store was tried: it is valid.
            return StoreErrorPolicy.FAIL;
        }
    }
}
