package dev.cachekit.spring.boot;

import dev.cachekit.Cache;
import dev.cachekit.codec.KryoCodec;
import dev.cachekit.core.CacheBuilder;
import dev.cachekit.core.Caches;
import dev.cachekit.spring.CacheStatistics;
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
     * The cache, from {@code cachekit.*}.
     *
     * @param properties the properties
     * @param statistics the listener the cache reports to
     * @return the cache, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(Cache.class)
    @ConditionalOnProperty(prefix = "cachekit", name = "uri")
    public Cache cachekitCache(CachekitProperties properties, CacheStatistics statistics) {
        CacheBuilder builder = Caches.builder().uri(properties.getUri()).listener(statistics);
        if (properties.getPrefix() != null) {
            builder.keyPrefix(properties.getPrefix());
        }
        if (properties.getTtl() != null) {
            builder.defaultTtl(properties.getTtl());
        }
        if (properties.getNullTtl() != null) {
            builder.nullTtl(properties.getNullTtl());
        }
        KryoCodec.Builder codec = KryoCodec.builder().classLoader(classLoader);
        for (String allowed : properties.getCodec().getAllowPackages()) {
            codec.allowPackage(allowed.endsWith(".") ? allowed : allowed + ".");
        }
        builder.codec(new AllowListAdvice(codec.build()));
        return builder.build();
    }
}
