package dev.cachekit.spi;

import dev.cachekit.StoreException;
import java.net.URI;
import java.util.Set;

/**
 * Builds a {@link Backend} from a URI. Providers are found with {@link java.util.ServiceLoader}: a
 * backend jar lists its provider in {@code META-INF/services/dev.cachekit.spi.CacheProvider}, and
 * {@code Caches.open("scheme://...")} picks the provider that claims the scheme.
 *
 * <p>When two providers on the class path claim one scheme, opening fails naming both; the system
 * property {@code dev.cachekit.provider.<scheme>} set to a provider's class name chooses one.
 */
public interface CacheProvider {

    /**
     * The version of this SPI. A provider returns the value of this constant as it was when the
     * provider was compiled; a provider built for another version is refused with a clear message.
     */
    int API_VERSION = 1;

    /**
     * The SPI version this provider was built for: implement as {@code return API_VERSION;}.
     *
     * @return the SPI version
     */
    int apiVersion();

    /**
     * The URI schemes this provider opens, in lower case ({@code redis}, {@code rediss}).
     *
     * @return the schemes
     */
    Set<String> schemes();

    /**
     * Opens a backend. The provider takes its own options from {@code options}; the caller reports
     * whatever options remain as unknown (and then closes the backend).
     *
     * @param uri the URI, whose scheme is one of {@link #schemes()}
     * @param options the URI's query options not already taken by the cache
     * @return the backend, connected
     * @throws dev.cachekit.CacheConfigurationException if the URI is malformed
     * @throws StoreException if the server cannot be reached
     */
    Backend open(URI uri, UriOptions options);
}
