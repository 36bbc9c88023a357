package dev.cachekit.jcache;

import dev.cachekit.codec.Codec;
import dev.cachekit.codec.KryoCodec;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.UriOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * A JCache manager over one cachekit cache, opened from the manager's URI. The caches it creates
 * are tags of that one cachekit cache; their registry (which names exist here) is this manager's,
 * while their entries live in the store, shared with every process on the same URI.
 */
final class JCacheManager implements CacheManager {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final JCacheProvider provider;
    private final URI uri;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final dev.cachekit.Cache kit;
    private final Map<String, JCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    /**
     * The stripe locks each thread holds on this manager's store, so a change made while one is held
     * (an expiry found inside a put, a listener that writes) does not wait for itself. Per manager,
     * since two managers may be on two stores.
     */
    private final ThreadLocal<Set<String>> locksHeld = ThreadLocal.withInitial(HashSet::new);

    private volatile boolean closed;

    JCacheManager(JCacheProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = properties;
        try {
            this.kit = Caches.builder().uri(uri.toString()).build();
        } catch (dev.cachekit.CacheException | IllegalArgumentException e) {
            throw new CacheException(
                    "cannot open a cache manager on " + UriOptions.redact(uri) + ": " + e.getMessage(), e);
        }
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "cachekit-jcache-load-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        open();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(configuration, "configuration");
        synchronized (caches) {
            if (caches.containsKey(cacheName)) {
                throw new CacheException("cache " + cacheName + " exists already in the manager on "
                        + UriOptions.redact(uri) + "; get it with getCache, or destroy it first");
            }
            MutableConfiguration<K, V> copy = copy(configuration);
            if (!copy.isStoreByValue()) {
                throw new UnsupportedOperationException("cache " + cacheName
                        + " asks for store-by-reference; cachekit stores by value only (every store but memory is"
                        + " out of process)");
            }
            JCache<K, V> cache =
                    new JCache<>(this, cacheName, copy, kit, new EntryForm(cacheName, codec(copy)), executor);
            caches.put(cacheName, cache);
            if (copy.isManagementEnabled()) {
                MBeans.register(cache, MBeans.Kind.CacheConfiguration, cache.configurationBean());
            }
            if (copy.isStatisticsEnabled()) {
                MBeans.register(cache, MBeans.Kind.CacheStatistics, cache.statistics());
            }
            return cache;
        }
    }

    private static <K, V> MutableConfiguration<K, V> copy(Configuration<K, V> configuration) {
        if (configuration instanceof CompleteConfiguration<K, V> complete) {
            return new MutableConfiguration<>(complete);
        }
        MutableConfiguration<K, V> copy = new MutableConfiguration<>();
        copy.setTypes(configuration.getKeyType(), configuration.getValueType());
        copy.setStoreByValue(configuration.isStoreByValue());
        return copy;
    }

    /**
     * The codec of one cache's keys and values: Kryo behind cachekit's default allow-list, plus the
     * cache's configured key and value types and what the {@value JCacheProvider#ALLOW_PROPERTY}
     * property (of this manager, else of the JVM) names: package prefixes ending in a dot, or class
     * names, separated by commas.
     */
    private Codec codec(MutableConfiguration<?, ?> configuration) {
        KryoCodec.Builder builder = KryoCodec.builder().classLoader(classLoader);
        for (Class<?> type : List.of(configuration.getKeyType(), configuration.getValueType())) {
            if (type != Object.class && !type.isPrimitive() && !type.isArray()) {
                builder.allowClass(type);
            }
        }
        String allow = properties.getProperty(
                JCacheProvider.ALLOW_PROPERTY, System.getProperty(JCacheProvider.ALLOW_PROPERTY, ""));
        for (String item : allow.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.endsWith(".")) {
                builder.allowPackage(entry);
            } else {
                builder.allowClass(entry);
            }
        }
        return builder.build();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        open();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        JCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            return null;
        }
        Configuration<?, ?> configuration = cache.configuration();
        if (configuration.getKeyType() != keyType) {
            throw new ClassCastException("cache " + cacheName + " has keys of "
                    + configuration.getKeyType().getName() + ", not " + keyType.getName());
        }
        if (configuration.getValueType() != valueType) {
            throw new ClassCastException("cache " + cacheName + " has values of "
                    + configuration.getValueType().getName() + ", not " + valueType.getName());
        }
        return (Cache<K, V>) cache;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName) {
        open();
        Objects.requireNonNull(cacheName, "cacheName");
        return (Cache<K, V>) caches.get(cacheName);
    }

    @Override
    public Iterable<String> getCacheNames() {
        open();
        return Collections.unmodifiableList(new ArrayList<>(caches.keySet()));
    }

    /**
     * Flushes the cache's tag (its entries are gone for every process) and closes it here. A name
     * this manager never created is flushed all the same: another process may have created it.
     */
    @Override
    public void destroyCache(String cacheName) {
        open();
        Objects.requireNonNull(cacheName, "cacheName");
        JCache<?, ?> cache = caches.get(cacheName);
        kit.tags(JCache.tag(cacheName)).flush();
        if (cache != null) {
            cache.close();
        }
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        open();
        JCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
        if (cache == null) {
            return;
        }
        cache.configuration().setManagementEnabled(enabled);
        if (enabled) {
            MBeans.register(cache, MBeans.Kind.CacheConfiguration, cache.configurationBean());
        } else {
            MBeans.unregister(cache, MBeans.Kind.CacheConfiguration);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        open();
        JCache<?, ?> cache = caches.get(Objects.requireNonNull(cacheName, "cacheName"));
        if (cache == null) {
            return;
        }
        cache.configuration().setStatisticsEnabled(enabled);
        cache.statistics().enabled(enabled);
        if (enabled) {
            MBeans.register(cache, MBeans.Kind.CacheStatistics, cache.statistics());
        } else {
            MBeans.unregister(cache, MBeans.Kind.CacheStatistics);
        }
    }

    Set<String> locksHeldByThisThread() {
        return locksHeld.get();
    }

    void released(JCache<?, ?> cache) {
        caches.remove(cache.getName(), cache);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        provider.released(this);
        for (JCache<?, ?> cache : new ArrayList<>(caches.values())) {
            try {
                cache.close();
            } catch (RuntimeException e) {
                // Closing the others matters more than one cache's failure to close.
            }
        }
        caches.clear();
        executor.shutdown();
        kit.close();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(kit)) {
            return clazz.cast(kit);
        }
        throw new IllegalArgumentException("a cache manager unwraps to "
                + getClass().getName() + " or " + dev.cachekit.Cache.class.getName() + ", not " + clazz.getName());
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the cache manager on " + UriOptions.redact(uri) + " is closed");
        }
    }

    @Override
    public String toString() {
        return "JCacheManager[" + UriOptions.redact(uri) + "]";
    }
}
