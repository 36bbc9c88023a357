/**
 * The memcached backend: {@link dev.cachekit.memcached.MemcachedProvider} opens {@code
 * memcached://host:port[,host:port...]} URIs, and {@link dev.cachekit.memcached.MemcachedStore}
 * is the {@link dev.cachekit.spi.Store} over a spymemcached client, for callers who build their
 * own. Tags and locks use the default {@link dev.cachekit.spi.StoreTagger} and {@link
 * dev.cachekit.spi.StoreLocker} over the store, whose atomic operations are memcached's {@code
 * add}, CAS and {@code incr}.
 */
package dev.cachekit.memcached;
