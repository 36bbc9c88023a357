/**
 * cachekit's API, SPI, codecs and in-process backend.
 *
 * <p>Exported to everyone: {@code dev.cachekit} (the cache API and the exceptions callers catch),
 * {@code dev.cachekit.core} (where caches start: {@link dev.cachekit.core.Caches}), {@code
 * dev.cachekit.codec} (codecs and their allow-lists) and {@code dev.cachekit.spi} (what a backend
 * implements). The helpers in {@code dev.cachekit.internal} are exported only to cachekit's own
 * backends and TCK, and the memory backend's classes only to the TCK; a provider outside cachekit
 * uses the SPI alone.
 *
 * <p>The packages form no cycle: {@code internal} at the bottom, then the API, then codecs and SPI,
 * then the memory backend, then {@code core}, which builds caches from all of them.
 *
 * <p>Kryo and Objenesis are automatic modules, and cachekit's backends and TCK are named here before
 * they are built: both are expected, so the warnings for them are off.
 */
@SuppressWarnings({"module", "requires-automatic"})
module dev.cachekit.api {
    requires com.esotericsoftware.kryo;
    requires com.github.benmanes.caffeine;
    requires org.objenesis;
    requires org.slf4j;

    exports dev.cachekit;
    exports dev.cachekit.core;
    exports dev.cachekit.codec;
    exports dev.cachekit.spi;
    exports dev.cachekit.internal to
            dev.cachekit.redis,
            dev.cachekit.memcached,
            dev.cachekit.hazelcast,
            dev.cachekit.tck;
    exports dev.cachekit.memory to
            dev.cachekit.tck;

    uses dev.cachekit.spi.CacheProvider;

    provides dev.cachekit.spi.CacheProvider with
            dev.cachekit.memory.MemoryProvider;
}
