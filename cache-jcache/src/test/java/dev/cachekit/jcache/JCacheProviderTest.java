package dev.cachekit.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The provider's own promises, beyond the TCK: discovery, URIs, the codec's allow-list. */
class JCacheProviderTest {

    private final JCacheProvider provider = new JCacheProvider();

    @AfterEach
    void close() {
        CacheManager manager = provider.getCacheManager();
        manager.destroyCache("points");
        provider.close();
    }

    /** A class of the test's own package: not on the allow-list the TCK runs set. */
    record Point(int x, int y) implements Serializable {}

    @Test
    @DisplayName("Caching finds this provider through the ServiceLoader")
    void cachingFindsTheProvider() {
        CachingProvider found = Caching.getCachingProvider(JCacheProvider.class.getName());

        assertThat(found).isInstanceOf(JCacheProvider.class);
    }

    @Test
    @DisplayName("the default URI is memory:/ unless the URI property names another, and it picks the store")
    void theDefaultUriPicksTheStore() {
        CacheManager manager = provider.getCacheManager();
        String expected = System.getProperty(JCacheProvider.URI_PROPERTY, "memory:/");

        assertThat(manager.getURI()).isEqualTo(URI.create(expected));
        assertThat(manager.unwrap(dev.cachekit.Cache.class).describe())
                .startsWith(manager.getURI().getScheme());
    }

    @Test
    @DisplayName("a URI no cachekit provider claims fails naming the installed schemes")
    void anUnknownSchemeFailsNamingTheInstalledOnes() {
        assertThatThrownBy(() -> provider.getCacheManager(URI.create("nosuch://host"), null))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("nosuch://host")
                .hasMessageContaining("memory");
    }

    @Test
    @DisplayName("a value of a class the codec does not allow fails naming the class and the property")
    void aValueOfAClassNotAllowedFails() {
        Cache<String, Object> cache = provider.getCacheManager().createCache("points", new MutableConfiguration<>());

        assertThatThrownBy(() -> cache.put("p", new Point(1, 2)))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(Point.class.getName())
                .hasMessageContaining(JCacheProvider.ALLOW_PROPERTY);
        assertThat(cache.containsKey("p")).isFalse();
    }

    @Test
    @DisplayName("the configured value type is allowed without the property")
    void theConfiguredTypesAreAllowed() {
        Cache<String, Point> cache = provider.getCacheManager()
                .createCache("points", new MutableConfiguration<String, Point>().setTypes(String.class, Point.class));

        cache.put("p", new Point(1, 2));

        assertThat(cache.get("p")).isEqualTo(new Point(1, 2));
    }

    @Test
    @DisplayName("the allow property given to getCacheManager adds classes for every cache of that manager")
    void theAllowPropertyOfAManager() {
        Properties properties = new Properties();
        properties.setProperty(JCacheProvider.ALLOW_PROPERTY, Point.class.getName());
        CacheManager manager = provider.getCacheManager(URI.create("memory:/allowed"), null, properties);
        Cache<String, Object> cache = manager.createCache("points", new MutableConfiguration<>());

        cache.put("p", new Point(3, 4));

        assertThat(cache.get("p")).isEqualTo(new Point(3, 4));
    }

    @Test
    @DisplayName("store-by-value: a value read back is a copy, not the object put")
    void storeByValue() {
        Cache<String, Point> cache = provider.getCacheManager()
                .createCache("points", new MutableConfiguration<String, Point>().setTypes(String.class, Point.class));
        Point put = new Point(5, 6);

        cache.put("p", put);

        assertThat(cache.get("p")).isEqualTo(put).isNotSameAs(put);
    }

    @Test
    @DisplayName("store-by-reference is refused with the reason")
    void storeByReferenceIsRefused() {
        assertThatThrownBy(() -> provider.getCacheManager()
                        .createCache("ref", new MutableConfiguration<String, String>().setStoreByValue(false)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("store-by-reference");
    }

    @Test
    @DisplayName("keys are equal in the store as they are in Java: 1 and 1L are two entries, equal records one")
    void keysKeepTheirIdentity() {
        Properties properties = new Properties();
        properties.setProperty(JCacheProvider.ALLOW_PROPERTY, Point.class.getName());
        Cache<Object, String> cache = provider.getCacheManager(URI.create("memory:/keys"), null, properties)
                .createCache("points", new MutableConfiguration<>());

        cache.put(1, "int");
        cache.put(1L, "long");
        cache.put("1", "string");
        cache.put(new Point(1, 1), "point");

        assertThat(cache.get(1)).isEqualTo("int");
        assertThat(cache.get(1L)).isEqualTo("long");
        assertThat(cache.get("1")).isEqualTo("string");
        assertThat(cache.get(new Point(1, 1))).isEqualTo("point");
    }

    @Test
    @DisplayName("a key of a class the codec does not allow fails naming the class")
    void aKeyOfAClassNotAllowedFails() {
        Cache<Object, String> cache = provider.getCacheManager().createCache("points", new MutableConfiguration<>());

        assertThatThrownBy(() -> cache.put(new Point(1, 2), "p"))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("cannot store a key of " + Point.class.getName());
    }
}
