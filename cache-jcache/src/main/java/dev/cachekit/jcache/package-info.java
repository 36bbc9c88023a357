/**
 * A JSR-107 (JCache) provider over any cachekit backend: {@link dev.cachekit.jcache.JCacheProvider}
 * is found by {@code javax.cache.Caching}, and a cache manager's URI is a cachekit URI. Everything
 * else in the package is reached through the {@code javax.cache} interfaces.
 */
package dev.cachekit.jcache;
