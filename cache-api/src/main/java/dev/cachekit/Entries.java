package dev.cachekit;

import dev.cachekit.spi.Store;
import dev.cachekit.spi.Tagger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads and writes entries in the store. A read is one multi-get of the entry and the view's tag
 * versions, then the expiry and the {@link TagCheck} (one more multi-get when the entry records
 * tags the view did not name). A write, through any view, reads the view's tag versions and
 * replaces the entry and the tags it records.
 */
final class Entries {

    /** A view's tags, sorted, with their store keys in the same order. */
    record Tags(List<String> names, List<String> keys) {
        static final Tags NONE = new Tags(List.of(), List.of());

        boolean isEmpty() {
            return names.isEmpty();
        }
    }

    private final Store store;
    private final Tagger tagger;
    private final EntryCodec codec;
    private final TagCheck tagCheck;
    private final Touches touches;
    private final Clock clock;

    Entries(Store store, Tagger tagger, EntryCodec codec, TagCheck tagCheck, Touches touches, Clock clock) {
        this.store = store;
        this.tagger = tagger;
        this.codec = codec;
        this.tagCheck = tagCheck;
        this.touches = touches;
        this.clock = clock;
    }

    <T> Lookup<T> read(String storeKey, Tags tags, Class<T> type) {
        List<byte[]> values;
        if (tags.isEmpty()) {
            values = Collections.singletonList(store.get(storeKey));
        } else {
            List<String> keys = new ArrayList<>(1 + tags.keys().size());
            keys.add(storeKey);
            keys.addAll(tags.keys());
            values = store.getAll(keys);
        }
        byte[] raw = values.get(0);
        if (raw == null) {
            return Lookup.miss();
        }
        Envelope envelope = codec.decode(storeKey, raw);
        long now = clock.millis();
        if (envelope.expiresAtMillis() != 0 && now >= envelope.expiresAtMillis()) {
            return Lookup.miss();
        }
        if (!tagCheck.current(envelope, tags, values.subList(1, values.size()))) {
            return Lookup.miss();
        }
        touches.maybeTouch(storeKey, raw, envelope, now);
        return envelope.isNull() ? Lookup.cachedNull() : Lookup.hit(codec.value(storeKey, envelope, type));
    }

    void write(String storeKey, Tags tags, Object value, Duration ttl) {
        long ttlMillis = ttl.equals(Cache.FOREVER) ? Store.NO_EXPIRY : ttl.toMillis();
        byte[] payload = codec.payload(storeKey, value);
        List<byte[]> versions = tags.isEmpty() ? List.of() : tagger.versions(tags.keys());
        byte[] bytes = codec.entry(storeKey, payload, clock.millis(), ttlMillis, tags.names(), versions);
        store.set(storeKey, bytes, ttlMillis);
    }

    /** See {@link EntryCodec#checkEncodable}. */
    void checkEncodable(String storeKey, Class<?> type) {
        codec.checkEncodable(storeKey, type);
    }

    void remove(String storeKey) {
        store.delete(storeKey);
    }

    void flush(Tags tags) {
        tagger.flush(tags.keys());
    }
}
