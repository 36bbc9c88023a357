/**
 * What a backend implements: a {@link dev.cachekit.spi.Store} of bytes by key, optionally its own
 * {@link dev.cachekit.spi.Tagger} and {@link dev.cachekit.spi.Locker}, bundled as a {@link
 * dev.cachekit.spi.Backend} that a {@link dev.cachekit.spi.CacheProvider} opens from a URI and
 * registers with {@link java.util.ServiceLoader}. {@link dev.cachekit.spi.KeyLayout} is the one
 * owner of the keys a cache writes. The TCK (cache-tck) checks a backend against these contracts.
 */
package dev.cachekit.spi;
