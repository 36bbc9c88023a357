package dev.cachekit.core;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.CacheProvider;
import java.util.List;
import java.util.Map;

/**
 * Where caches start: open one from a URI, or assemble one with a {@link CacheBuilder}.
 *
 * <pre>{@code
 * try (Cache cache = Caches.open("redis://127.0.0.1:6379?prefix=shop:")) {
 *     User u = cache.tags("users", "user:42").getOrLoad("user:42", User.class, () -> db.findUser(42));
 * }
 * }</pre>
 *
 * <p>A URI's scheme picks the installed {@link CacheProvider} that claims it ({@code memory:},
 * {@code redis://}, {@code memcached://}, {@code hazelcast://}, or a third party's), found with
 * {@link java.util.ServiceLoader} on the thread's context class loader. Providers are looked up
 * afresh on every call: opening a cache is rare and a class path can change.
 */
public final class Caches {

    /**
     * Prefix of the system property that chooses one provider class when several claim a scheme:
     * {@code -Ddev.cachekit.provider.redis=com.example.MyRedisProvider}.
     */
    public static final String CHOOSE_PROPERTY_PREFIX = Providers.CHOOSE_PROPERTY_PREFIX;

    private Caches() {}

    /**
     * Opens a cache from a URI with the defaults listed on {@link Cache}; options in the URI's
     * query override them.
     *
     * @param uri the cache URI, with options in its query
     * @return the cache; closing it closes the backend the URI opened
     * @throws NullPointerException if {@code uri} is null
     * @throws CacheConfigurationException if no provider claims the scheme (naming the installed
     *     ones), several do, or an option is unknown or malformed
     * @throws dev.cachekit.StoreException if the server cannot be reached
     */
    public static Cache open(String uri) {
        return builder().uri(uri).build();
    }

    /**
     * Starts a cache from explicit parts: a URI or a backend, a codec, TTLs, a prefix, a listener.
     *
     * @return a new builder
     */
    public static CacheBuilder builder() {
        return new CacheBuilder();
    }

    /**
     * Opens the backend a URI names, without a cache around it: for TCK fixtures, tools, and
     * callers that share one backend between several caches (pass it to {@link
     * CacheBuilder#backend(Backend)}). Every option in the URI must be the provider's own; cache
     * options such as {@code ttl} are refused here.
     *
     * @param uri the backend URI
     * @return the backend; the caller closes it
     * @throws NullPointerException if {@code uri} is null
     * @throws CacheConfigurationException if the scheme or an option is unknown or malformed
     * @throws dev.cachekit.StoreException if the server cannot be reached
     */
    public static Backend backend(String uri) {
        return Providers.open(uri);
    }

    /**
     * Every installed URI scheme with the providers that claim it, for diagnostics.
     *
     * @return an unmodifiable map, schemes (lower case) in alphabetical order
     * @throws CacheConfigurationException if a provider cannot be loaded or was built for another
     *     SPI version
     */
    public static Map<String, List<CacheProvider>> schemes() {
        return Providers.schemes();
    }
}
