package dev.cachekit.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} over one {@link dev.cachekit.Cache}. Every Spring cache name is a
 * key namespace and a tag: the cache {@code users} keeps key {@code 42} at {@code users::#42} with
 * the tag {@code users}, so {@code clear()} and {@code @CacheEvict(allEntries = true)} are one flush
 * of that tag, whatever the number of entries, with no scan; and {@code @Cacheable(sync = true)} is
 * {@code getOrLoad}, one load across every JVM sharing the store.
 *
 * <pre>{@code
 * @Bean
 * CachekitCacheManager cacheManager(dev.cachekit.Cache cache) {
 *     return CachekitCacheManager.builder(cache)
 *             .cache("users", CacheSettings.defaults().withTtl(Duration.ofMinutes(10)))
 *             .build();
 * }
 * }</pre>
 *
 * <p>Caches named in the builder exist from the start; any other name gets a cache with the default
 * settings when first asked for, unless the builder turned that off. The manager does not close the
 * {@link dev.cachekit.Cache}: whoever built it does. Thread-safe.
 */
public final class CachekitCacheManager implements CacheManager {

    private final dev.cachekit.Cache cache;
    private final CacheSettings defaults;
    private final Map<String, CacheSettings> configured;
    private final boolean allowNullValues;
    private final boolean createOnDemand;
    private final List<Consumer<org.springframework.cache.Cache>> onCreated;
    private final ConcurrentMap<String, CachekitSpringCache> caches = new ConcurrentHashMap<>();

    private CachekitCacheManager(Builder builder) {
        this.cache = builder.cache;
        this.defaults = builder.defaults;
        this.configured = Collections.unmodifiableMap(new LinkedHashMap<>(builder.caches));
        this.allowNullValues = builder.allowNullValues;
        this.createOnDemand = builder.createOnDemand;
        this.onCreated = List.copyOf(builder.onCreated);
        configured.forEach((name, settings) -> caches.put(name, create(name)));
    }

    /**
     * Starts a manager over {@code cache}.
     *
     * @param cache the cachekit cache every Spring cache of this manager shares
     * @return a builder
     */
    public static Builder builder(dev.cachekit.Cache cache) {
        return new Builder(cache);
    }

    /**
     * The cache of this name: the one configured, or, if the manager creates caches on demand, a
     * new one with the default settings.
     *
     * @param name the cache name
     * @return the cache, or {@code null} if there is none and the manager creates none on demand
     * @throws IllegalArgumentException if the name is not a valid cache name (see {@link
     *     Builder#cache})
     */
    @Override
    public CachekitSpringCache getCache(String name) {
        CachekitSpringCache existing = caches.get(name);
        if (existing != null || !createOnDemand) {
            return existing;
        }
        checkName(name);
        boolean[] created = {false};
        CachekitSpringCache result = caches.computeIfAbsent(name, n -> {
            created[0] = true;
            return create(n);
        });
        if (created[0]) {
            onCreated.forEach(listener -> listener.accept(result));
        }
        return result;
    }

    @Override
    public Collection<String> getCacheNames() {
        return Collections.unmodifiableSet(caches.keySet());
    }

    /**
     * The underlying cachekit cache.
     *
     * @return the cache
     */
    public dev.cachekit.Cache cachekit() {
        return cache;
    }

    private CachekitSpringCache create(String name) {
        CacheSettings settings =
                configured.getOrDefault(name, CacheSettings.defaults()).orElse(defaults);
        return new CachekitSpringCache(name, cache, settings, allowNullValues);
    }

    static void checkName(String name) {
        Objects.requireNonNull(name, "cache name");
        if (name.isEmpty() || name.contains(CachekitSpringCache.SEPARATOR) || name.endsWith(":")) {
            throw new IllegalArgumentException("invalid cache name '" + name + "': a cache name must be non-empty,"
                    + " must not contain '::' and must not end with ':' (the store key is <name>::<key>,"
                    + " and two caches must never share one)");
        }
    }

    /** Assembles a {@link CachekitCacheManager}. Not thread-safe. */
    public static final class Builder {

        private final dev.cachekit.Cache cache;
        private CacheSettings defaults = CacheSettings.defaults();
        private final Map<String, CacheSettings> caches = new LinkedHashMap<>();
        private boolean allowNullValues = true;
        private boolean createOnDemand = true;
        private final List<Consumer<org.springframework.cache.Cache>> onCreated = new ArrayList<>();

        private Builder(dev.cachekit.Cache cache) {
            this.cache = Objects.requireNonNull(cache, "cache");
        }

        /**
         * Settings for every cache, where its own settings are silent (default: the cachekit
         * cache's TTLs, no extra tags).
         *
         * @param defaults the default settings
         * @return this builder
         */
        public Builder defaults(CacheSettings defaults) {
            this.defaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /**
         * Configures a cache, which then exists from the start.
         *
         * @param name the cache name: non-empty, without {@code ::}, not ending with {@code :}
         * @param settings its settings (completed by the {@link #defaults})
         * @return this builder
         * @throws IllegalArgumentException if the name is invalid
         */
        public Builder cache(String name, CacheSettings settings) {
            checkName(name);
            caches.put(name, Objects.requireNonNull(settings, "settings"));
            return this;
        }

        /**
         * Whether {@code null} values are cached as cached nulls (default {@code true}, as Spring's
         * own caches). When {@code false}, storing a null is an {@link IllegalArgumentException}.
         *
         * @param allow whether to allow null values
         * @return this builder
         */
        public Builder allowNullValues(boolean allow) {
            this.allowNullValues = allow;
            return this;
        }

        /**
         * Whether a name not configured gets a cache when asked for (default {@code true}); when
         * {@code false}, only the configured caches exist.
         *
         * @param create whether to create caches on demand
         * @return this builder
         */
        public Builder createOnDemand(boolean create) {
            this.createOnDemand = create;
            return this;
        }

        /**
         * Calls {@code listener} with each cache created on demand after the manager was built (to
         * bind its metrics, for instance); caches configured with {@link #cache} are not reported.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder onCacheCreated(Consumer<org.springframework.cache.Cache> listener) {
            onCreated.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the manager.
         *
         * @return the manager
         */
        public CachekitCacheManager build() {
            return new CachekitCacheManager(this);
        }
    }
}
