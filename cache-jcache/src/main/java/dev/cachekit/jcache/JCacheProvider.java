package dev.cachekit.jcache;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The JSR-107 caching provider over cachekit, found by {@code Caching.getCachingProvider()}. A cache
 * manager's URI is a cachekit URI, so the URI picks the store: {@code memory:/} (in this JVM),
 * {@code redis://127.0.0.1:6379?prefix=shop:}, {@code hazelcast://embedded}, with the options the
 * cachekit URI takes. Each JCache cache is a tag of the manager's one cachekit cache.
 *
 * <pre>{@code
 * CacheManager manager = Caching.getCachingProvider()
 *         .getCacheManager(URI.create("redis://127.0.0.1:6379"), null);
 * Cache<String, Order> orders = manager.createCache("orders", new MutableConfiguration<String, Order>()
 *         .setTypes(String.class, Order.class));
 * }</pre>
 *
 * <p>The default URI is {@code memory:/} (a private in-process store per manager), or what the
 * system property {@value #URI_PROPERTY} says. Values and keys go through a Kryo codec behind
 * cachekit's allow-list, which also takes each cache's configured key and value types and what the
 * property {@value #ALLOW_PROPERTY} names (given to {@code getCacheManager} or as a system property).
 *
 * <p>Thread-safe.
 */
public final class JCacheProvider implements CachingProvider {

    /** System property naming the default cache manager URI: {@code redis://127.0.0.1:6379}. */
    public static final String URI_PROPERTY = "dev.cachekit.jcache.uri";

    /**
     * Manager or system property adding classes to the codec's allow-list: comma-separated package
     * prefixes ending in a dot ({@code com.acme.model.}) or class names.
     */
    public static final String ALLOW_PROPERTY = "dev.cachekit.jcache.allow";

    private static final String DEFAULT_URI = "memory:/";

    private final Map<ClassLoader, Map<URI, JCacheManager>> managers = new WeakHashMap<>();

    /** Creates the provider; called by {@link java.util.ServiceLoader} through {@code Caching}. */
    public JCacheProvider() {}

    @Override
    public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI managerUri = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<URI, JCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
        JCacheManager manager = byUri.get(managerUri);
        if (manager == null || manager.isClosed()) {
            Properties copy = new Properties();
            if (properties != null) {
                copy.putAll(properties);
            }
            manager = new JCacheManager(this, managerUri, loader, copy);
            byUri.put(managerUri, manager);
        }
        return manager;
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        return getClass().getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return URI.create(System.getProperty(URI_PROPERTY, DEFAULT_URI));
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public synchronized void close() {
        for (Map<URI, JCacheManager> byUri : managers.values()) {
            for (JCacheManager manager : byUri.values().toArray(new JCacheManager[0])) {
                manager.close();
            }
        }
        managers.clear();
    }

    @Override
    public synchronized void close(ClassLoader classLoader) {
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<URI, JCacheManager> byUri = managers.remove(loader);
        if (byUri != null) {
            for (JCacheManager manager : byUri.values().toArray(new JCacheManager[0])) {
                manager.close();
            }
        }
    }

    @Override
    public synchronized void close(URI uri, ClassLoader classLoader) {
        URI managerUri = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<URI, JCacheManager> byUri = managers.get(loader);
        if (byUri != null) {
            JCacheManager manager = byUri.remove(managerUri);
            if (manager != null) {
                manager.close();
            }
        }
    }

    /** Store-by-reference is not offered: every store but memory is out of process. */
    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        return false;
    }

    synchronized void released(JCacheManager manager) {
        Map<URI, JCacheManager> byUri = managers.get(manager.getClassLoader());
        if (byUri != null) {
            byUri.remove(manager.getURI(), manager);
        }
    }
}
