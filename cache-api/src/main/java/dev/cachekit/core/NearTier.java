package dev.cachekit.core;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.InvalidationChannel;
import dev.cachekit.spi.StoreTagger;
import dev.cachekit.spi.Tagger;
import java.util.List;

/**
 * Puts a {@link NearStore} in front of a backend's store when {@code near=on}: the cache then reads
 * and writes through it, tags included (the default tagger is rebuilt over it, a backend's own
 * tagger is wrapped so that flushes invalidate), while locks keep going straight to the backend.
 */
final class NearTier {

    private NearTier() {}

    /**
     * The backend the cache should use.
     *
     * @param backend the backend as opened
     * @param settings the near tier's settings, or {@code null} when off
     * @param prefix the cache's prefix
     * @return {@code backend} itself when the tier is off (or pointless: {@code memory:}), else a
     *     backend over a near store that closes {@code backend} with it
     * @throws CacheConfigurationException if the tier is on and the backend has no invalidation
     *     channel
     */
    static Backend wrap(Backend backend, NearStore.NearSettings settings, String prefix) {
        return wrap(backend, settings, prefix, Ticker.systemTicker());
    }

    /** As {@link #wrap(Backend, NearStore.NearSettings, String)}, with the clock of the near TTL. */
    static Backend wrap(Backend backend, NearStore.NearSettings settings, String prefix, Ticker ticker) {
        if (settings == null || backend.store() instanceof dev.cachekit.memory.MemoryStore) {
            // memory: is in this process already: a second in-process copy would only cost memory.
            return backend;
        }
        InvalidationChannel channel = backend.invalidations()
                .orElseThrow(() -> new CacheConfigurationException("near=on needs a backend that tells every process"
                        + " when an entry or tag changes, and "
                        + backend.store().describe()
                        + " has no such channel. Redis has one (pub/sub); memcached has no server push,"
                        + " so cachekit refuses a near cache there rather than serve flushed entries for a"
                        + " TTL; on Hazelcast use its own near cache (a NearCacheConfig on the map of the"
                        + " instance you give HazelcastBackends). Remove near=on, or set near(false)"));
        NearStore near = new NearStore(backend.store(), channel, prefix, settings, ticker);
        Tagger tagger = backend.tagger() instanceof StoreTagger
                ? new StoreTagger(near)
                : new FlushingTagger(backend.tagger(), near);
        return Backend.builder(near)
                .tagger(tagger)
                .locker(backend.locker())
                .closeWith(backend)
                .build();
    }

    /** A backend's own tagger whose flushes also reach the near tier of every process. */
    private record FlushingTagger(Tagger tagger, NearStore near) implements Tagger {
        @Override
        public List<byte[]> versions(List<String> tagKeys) {
            return tagger.versions(tagKeys);
        }

        @Override
        public void flush(List<String> tagKeys) {
            try {
                tagger.flush(tagKeys);
            } finally {
                near.changed(tagKeys);
            }
        }
    }
}
