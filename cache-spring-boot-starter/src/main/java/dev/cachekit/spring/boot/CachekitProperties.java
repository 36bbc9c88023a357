package dev.cachekit.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code cachekit.*} properties.
 *
 * <pre>
 * cachekit.uri=redis://127.0.0.1:6379
 * cachekit.prefix=shop:
 * cachekit.ttl=30m
 * cachekit.codec.allow-packages=com.shop.model
 * cachekit.caches.users.ttl=10m
 * </pre>
 */
@ConfigurationProperties("cachekit")
public class CachekitProperties {

    /**
     * The cache URI ({@code redis://host:6379}, {@code hazelcast://embedded}, {@code memory:},
     * ...); the backend module of its scheme must be on the class path. Without it (and without a
     * {@code dev.cachekit.Cache} bean of your own) the starter configures nothing.
     */
    private String uri;

    /** The prefix of every store key (default: the URI's {@code prefix}, else {@code cachekit:}). */
    private String prefix;

    /** The default TTL of entries (default: the URI's {@code ttl}, else 2 hours). */
    private Duration ttl;

    /** The default TTL of cached nulls (default: the URI's {@code nullTtl}, else 1 minute). */
    private Duration nullTtl;

    /** Whether {@code null} results are cached as cached nulls (default {@code true}). */
    private boolean allowNullValues = true;

    /** Whether a cache name not listed under {@code caches} gets a cache on first use. */
    private boolean createOnDemand = true;

    /**
     * Whether the application refuses to start when the store cannot be reached (default {@code
     * false}: it starts, cache calls fail as on a store that is down, {@code getOrLoad} follows the
     * URI's {@code onStoreError}, the health indicator is DOWN, and the cache connects once the
     * store answers).
     */
    private boolean requireStoreAtStartup;

    /** The codec. */
    private final Codec codec = new Codec();

    /** Settings per cache name. */
    private final Map<String, CacheSpec> caches = new LinkedHashMap<>();

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getNullTtl() {
        return nullTtl;
    }

    public void setNullTtl(Duration nullTtl) {
        this.nullTtl = nullTtl;
    }

    public boolean isAllowNullValues() {
        return allowNullValues;
    }

    public void setAllowNullValues(boolean allowNullValues) {
        this.allowNullValues = allowNullValues;
    }

    public boolean isCreateOnDemand() {
        return createOnDemand;
    }

    public void setCreateOnDemand(boolean createOnDemand) {
        this.createOnDemand = createOnDemand;
    }

    public boolean isRequireStoreAtStartup() {
        return requireStoreAtStartup;
    }

    public void setRequireStoreAtStartup(boolean requireStoreAtStartup) {
        this.requireStoreAtStartup = requireStoreAtStartup;
    }

    public Codec getCodec() {
        return codec;
    }

    public Map<String, CacheSpec> getCaches() {
        return caches;
    }

    /** The {@code cachekit.codec.*} properties. */
    public static class Codec {

        /**
         * Packages whose classes the Kryo codec may read and write ({@code com.shop.model}), besides
         * its defaults (strings, numbers, {@code java.time}, the common collections); classes
         * outside the list are refused, never instantiated, with a message naming this property.
         */
        private List<String> allowPackages = new ArrayList<>();

        public List<String> getAllowPackages() {
            return allowPackages;
        }

        public void setAllowPackages(List<String> allowPackages) {
            this.allowPackages = allowPackages;
        }
    }

    /** The {@code cachekit.caches.<name>.*} properties of one cache. */
    public static class CacheSpec {

        /** The TTL of this cache's entries (default {@code cachekit.ttl}). */
        private Duration ttl;

        /** The TTL of this cache's cached nulls (default {@code cachekit.null-ttl}). */
        private Duration nullTtl;

        /** Tags added to every entry of this cache, beside the cache's name. */
        private List<String> tags = new ArrayList<>();

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public Duration getNullTtl() {
            return nullTtl;
        }

        public void setNullTtl(Duration nullTtl) {
            this.nullTtl = nullTtl;
        }

        public List<String> getTags() {
            return tags;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }
    }
}
