package dev.cachekit.core;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.cachekit.CacheListener;
import dev.cachekit.spi.InvalidationChannel;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The near tier: a {@link Store} in front of the backend's store that keeps, in this process, a
 * bounded copy of the raw bytes of entries and tag versions this cache read (never locks, load
 * locks or fencing counters). Because it caches the bytes the core reads, and tag versions as well
 * as entries, the core's {@link TagCheck} and expiry check judge a local copy exactly as a remote
 * one, and a tagged hit whose entry and tags are all local costs no network call.
 *
 * <p>Coherence comes from the backend's {@link InvalidationChannel}; the rules are kept here:
 *
 * <ul>
 *   <li><b>Writes invalidate, reads fill.</b> Every write of an entry or tag key (set, remove,
 *       flush, touch, conditional writes that succeed) goes to the store first, then drops the
 *       local copy and publishes the key to every process.
 *   <li><b>No fill after a newer invalidation.</b> A read takes a stamp (the global generation and
 *       the key's stripe of invalidation counters) before it reads the store, and fills only if
 *       the stamp is unchanged, checked and put in one step under the key's lock. An invalidation
 *       bumps the stripe before it drops the copy under that lock, so either the filler sees the
 *       bump or the invalidation drops the fill.
 *   <li><b>Clear on loss.</b> When the channel reports that invalidations may have been lost, every
 *       copy is dropped and nothing is filled until the channel confirms it listens again.
 *   <li><b>Bounded.</b> At most {@code maxEntries} copies and {@code maxBytes} of keys and values:
 *       each copy weighs its size but at least {@code maxBytes / maxEntries}, under one Caffeine
 *       weight bound of {@code maxBytes}. A copy lives at most {@code nearTtl}, which bounds what no
 *       invalidation reports (writers that are not cachekit, server-side evictions, a lost publish).
 * </ul>
 */
final class NearStore implements Store {

    private static final int STRIPES = 4096;
    /** What a copy costs beyond its key and value: the Caffeine node, the array headers. */
    private static final int OVERHEAD_BYTES = 96;

    private final Store remote;
    private final String entryStem;
    private final String tagStem;
    private final com.github.benmanes.caffeine.cache.Cache<String, byte[]> local;
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong generation = new AtomicLong();
    private final InvalidationChannel channel;
    private final LockSignal.Subscription subscription;
    private volatile boolean listening;
    private final Events events;

    final AtomicLong hits = new AtomicLong();
    final AtomicLong misses = new AtomicLong();
    final AtomicLong invalidationsReceived = new AtomicLong();
    final AtomicLong clears = new AtomicLong();
    final AtomicLong evictions = new AtomicLong();

    /** Runs between the store read and the fill (tests interleave invalidations there). */
    volatile Runnable afterRemoteRead = () -> {};

    NearStore(Store remote, InvalidationChannel channel, String prefix, NearSettings settings, Ticker ticker) {
        this.remote = remote;
        this.channel = channel;
        this.events = new Events(settings.listener());
        String escaped = KeyLayout.escape(prefix);
        this.entryStem = escaped + "e|";
        this.tagStem = escaped + "t|";
        long minWeight = Math.max(1, settings.maxBytes() / settings.maxEntries());
        this.local = Caffeine.newBuilder()
                .maximumWeight(settings.maxBytes())
                .weigher((String key, byte[] value) ->
                        (int) Math.min(Integer.MAX_VALUE, Math.max(minWeight, weight(key, value))))
                .expireAfterWrite(settings.ttl())
                .ticker(ticker)
                .executor(Runnable::run)
                .removalListener((String key, byte[] value, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.incrementAndGet();
                        tell(CacheListener.NearEvent.EVICTED, 1);
                    }
                })
                .build();
        this.subscription = channel.listen(prefix, new Listener());
    }

    private static long weight(String key, byte[] value) {
        return OVERHEAD_BYTES + 2L * key.length() + value.length;
    }

    /** Whether a key is one this tier keeps: an entry or a tag of this cache's prefix. */
    boolean cacheable(String key) {
        return key.startsWith(entryStem) || key.startsWith(tagStem);
    }

    private int stripe(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** How many copies are held now (after pending evictions ran). */
    long size() {
        local.cleanUp();
        return local.estimatedSize();
    }

    /** The keys held now, for tests. */
    java.util.Set<String> keys() {
        return java.util.Set.copyOf(local.asMap().keySet());
    }

    private void tell(CacheListener.NearEvent event, int storeKeys) {
        if (events.listening()) {
            events.tell(listener -> listener.near(event, storeKeys));
        }
    }

    @Override
    public StoreCapabilities capabilities() {
        return remote.capabilities();
    }

    @Override
    public byte[] get(String key) {
        if (cacheable(key)) {
            byte[] copy = local.getIfPresent(key);
            if (copy != null) {
                hits.incrementAndGet();
                tell(CacheListener.NearEvent.HIT, 1);
                return copy.clone();
            }
        }
        return getAll(List.of(key)).get(0);
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        int n = keys.size();
        List<byte[]> out = new ArrayList<>(n);
        List<String> missing = null;
        int[] missingAt = null;
        int missed = 0;
        int served = 0;
        for (int i = 0; i < n; i++) {
            String key = keys.get(i);
            byte[] copy = cacheable(key) ? local.getIfPresent(key) : null;
            if (copy != null) {
                hits.incrementAndGet();
                served++;
                out.add(copy.clone());
                continue;
            }
            out.add(null);
            if (missing == null) {
                missing = new ArrayList<>(n - i);
                missingAt = new int[n - i];
            }
            missing.add(key);
            missingAt[missed++] = i;
        }
        if (served > 0) {
            tell(CacheListener.NearEvent.HIT, served);
        }
        if (missing == null) {
            return out;
        }
        // The stamp, taken before the store is read: any invalidation after it voids the fill.
        boolean fill = listening;
        long gen = generation.get();
        long[] stamps = new long[missed];
        int cacheableMisses = 0;
        for (int j = 0; j < missed; j++) {
            String key = missing.get(j);
            if (cacheable(key)) {
                misses.incrementAndGet();
                cacheableMisses++;
                stamps[j] = stripes.get(stripe(key));
            }
        }
        if (cacheableMisses > 0) {
            tell(CacheListener.NearEvent.MISS, cacheableMisses);
        }
        List<byte[]> fetched = remote.getAll(missing);
        afterRemoteRead.run();
        for (int j = 0; j < missed; j++) {
            byte[] value = fetched.get(j);
            out.set(missingAt[j], value);
            String key = missing.get(j);
            if (fill && value != null && cacheable(key)) {
                fill(key, value.clone(), gen, stamps[j]);
            }
        }
        return out;
    }

    /**
     * Fills {@code key} unless an invalidation of it came in since the stamp. The check and the put
     * are one step under the key's lock, which {@link #drop} also takes after it bumps the stripe,
     * so no other reader ever sees a copy an invalidation has overtaken. A clear takes no key's lock,
     * so a fill that raced one takes its copy back at once.
     */
    private void fill(String key, byte[] copy, long gen, long stamp) {
        int stripe = stripe(key);
        local.asMap().compute(key, (k, old) -> {
            boolean current = listening && generation.get() == gen && stripes.get(stripe) == stamp;
            return current ? copy : old;
        });
        if (!listening || generation.get() != gen) {
            local.asMap().remove(key, copy);
        }
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        try {
            remote.set(key, value, ttlMillis);
        } finally {
            changed(List.of(key));
        }
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        try {
            remote.setAll(entries, ttlMillis);
        } finally {
            changed(entries.keySet());
        }
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        boolean written = false;
        try {
            written = remote.setIfAbsent(key, value, ttlMillis);
            return written;
        } finally {
            if (written) {
                changed(List.of(key));
            }
        }
    }

    @Override
    public List<Boolean> setIfAbsentAll(Map<String, byte[]> entries, long ttlMillis) {
        List<Boolean> written = null;
        try {
            written = remote.setIfAbsentAll(entries, ttlMillis);
            return written;
        } finally {
            // Unknown after a failure: any of them may be written.
            List<String> changedKeys = new ArrayList<>();
            int i = 0;
            for (String key : entries.keySet()) {
                if (written == null || Boolean.TRUE.equals(written.get(i))) {
                    changedKeys.add(key);
                }
                i++;
            }
            changed(changedKeys);
        }
    }

    @Override
    public boolean delete(String key) {
        try {
            return remote.delete(key);
        } finally {
            changed(List.of(key));
        }
    }

    @Override
    public int deleteAll(List<String> keys) {
        try {
            return remote.deleteAll(keys);
        } finally {
            changed(keys);
        }
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        boolean deleted = false;
        try {
            deleted = remote.compareAndDelete(key, expected);
            return deleted;
        } finally {
            if (deleted) {
                changed(List.of(key));
            }
        }
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        boolean replaced = false;
        try {
            replaced = remote.compareAndSet(key, expected, value, ttlMillis);
            return replaced;
        } finally {
            if (replaced) {
                changed(List.of(key));
            }
        }
    }

    @Override
    public long increment(String key) {
        try {
            return remote.increment(key);
        } finally {
            changed(List.of(key));
        }
    }

    /** After a write reached the store: drop the local copies, then tell every other process. */
    void changed(Collection<String> keys) {
        List<String> ours = null;
        for (String key : keys) {
            if (cacheable(key)) {
                if (ours == null) {
                    ours = new ArrayList<>(keys.size());
                }
                ours.add(key);
            }
        }
        if (ours == null) {
            return; // lock traffic: nothing cached, nothing to publish
        }
        drop(ours);
        channel.publish(ours);
    }

    /** Bumps each key's stripe, then drops its copy: the order {@link #getAll} relies on. */
    private void drop(Collection<String> keys) {
        for (String key : keys) {
            stripes.incrementAndGet(stripe(key));
            local.invalidate(key);
        }
    }

    @Override
    public String describe() {
        return remote.describe();
    }

    /** Drops the copies and stops listening; the backend closes the store it wraps. */
    @Override
    public void close() {
        subscription.close();
        listening = false;
        generation.incrementAndGet();
        local.invalidateAll();
    }

    private final class Listener implements InvalidationChannel.Listener {
        @Override
        public void invalidated(Collection<String> storeKeys) {
            invalidationsReceived.addAndGet(storeKeys.size());
            drop(storeKeys);
            if (!storeKeys.isEmpty()) {
                tell(CacheListener.NearEvent.INVALIDATED, storeKeys.size());
            }
        }

        @Override
        public void lost() {
            listening = false;
            generation.incrementAndGet();
            long held = local.estimatedSize();
            local.invalidateAll();
            clears.incrementAndGet();
            if (held > 0) {
                tell(CacheListener.NearEvent.CLEARED, (int) Math.min(Integer.MAX_VALUE, held));
            }
        }

        @Override
        public void listening() {
            // Whatever was lost before the subscription held is dropped too.
            generation.incrementAndGet();
            local.invalidateAll();
            listening = true;
        }
    }

    /** The near tier's settings, as the builder and the URI give them. */
    record NearSettings(int maxEntries, long maxBytes, Duration ttl, dev.cachekit.CacheListener listener) {
        NearSettings(int maxEntries, long maxBytes, Duration ttl) {
            this(maxEntries, maxBytes, ttl, dev.cachekit.CacheListener.NONE);
        }
    }
}
