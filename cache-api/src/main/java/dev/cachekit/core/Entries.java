package dev.cachekit.core;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.Tagger;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads and writes entries in the store. A read is one multi-get of the entry and the view's tag
 * versions, then the expiry and the {@link TagCheck} (one more multi-get when the entry records
 * tags the view did not name). A write, through any view, reads the view's tag versions and
 * replaces the entry and the tags it records. {@code get}, {@code put}, {@code remove} and {@code
 * flush} are reported to the listener here.
 */
final class Entries {

    /**
     * A view's tags, sorted, with their store keys and the bytes an entry records for their names
     * ({@link Envelope#encodeName}) in the same order.
     */
    record Tags(List<String> names, List<String> keys, List<byte[]> encodedNames) {
        static final Tags NONE = new Tags(List.of(), List.of(), List.of());

        boolean isEmpty() {
            return names.isEmpty();
        }
    }

    /**
     * The times an entry records, as a read found it current: what refresh-ahead decides on.
     *
     * @param writtenAtMillis its write time
     * @param expiresAtMillis its expiry, 0 for never
     * @param loadMillis how long the load that wrote it took, 0 if unknown or a put
     */
    record Stamp(long writtenAtMillis, long expiresAtMillis, long loadMillis) {}

    private final Store store;
    private final Tagger tagger;
    private final EntryCodec codec;
    private final TagCheck tagCheck;
    private final Touches touches;
    private final Clock clock;
    private final Events events;

    Entries(
            Store store,
            Tagger tagger,
            EntryCodec codec,
            TagCheck tagCheck,
            Touches touches,
            Clock clock,
            Events events) {
        this.events = events;
        this.store = store;
        this.tagger = tagger;
        this.codec = codec;
        this.tagCheck = tagCheck;
        this.touches = touches;
        this.clock = clock;
    }

    /** A read by {@code get}: reported to the listener with its outcome and duration, or its store error. */
    <T> Lookup<T> get(String key, String storeKey, Tags tags, Class<T> type) {
        long started = events.listening() ? System.nanoTime() : 0;
        Lookup<T> found;
        try {
            found = read(storeKey, tags, type);
        } catch (StoreException e) {
            events.storeErrorThrown("get", key, e);
            throw e;
        }
        if (events.listening()) {
            Duration took = Events.since(started);
            events.tell(l -> l.read(key, Events.resultOf(found), took));
        }
        return found;
    }

    /** A write by {@code put}: reported to the listener with its duration, or its store error. */
    void put(String key, String storeKey, Tags tags, Object value, Duration ttl) {
        long started = System.nanoTime();
        try {
            write(storeKey, tags, value, ttl);
        } catch (StoreException e) {
            events.storeErrorThrown("put", key, e);
            throw e;
        }
        Duration took = Events.since(started);
        events.tell(l -> l.put(key, took));
    }

    /** A read that reports nothing ({@code getOrLoad} reports its own). */
    <T> Lookup<T> read(String storeKey, Tags tags, Class<T> type) {
        return read(storeKey, tags, type, null);
    }

    /**
     * As {@link #read(String, Tags, Class)}, telling {@code onCurrent} (if not null) the times of an
     * entry it finds current, before its value is decoded.
     */
    <T> Lookup<T> read(String storeKey, Tags tags, Class<T> type, Consumer<Stamp> onCurrent) {
        // The entry first, then the current versions of the view's tags (none for the untagged view).
        List<byte[]> values;
        byte[] raw;
        if (tags.isEmpty()) {
            values = List.of();
            raw = store.get(storeKey);
        } else {
            // Filled by hand: ArrayList.addAll would copy the tag keys into a second array.
            List<String> tagKeys = tags.keys();
            String[] keys = new String[1 + tagKeys.size()];
            keys[0] = storeKey;
            for (int i = 0; i < tagKeys.size(); i++) {
                keys[i + 1] = tagKeys.get(i);
            }
            values = store.getAll(Arrays.asList(keys));
            raw = values.get(0);
            for (int i = 0; i < tagKeys.size(); i++) {
                TagCheck.checkVersion(tagKeys.get(i), tags.names().get(i), values.get(i + 1));
            }
        }
        if (raw == null) {
            return Lookup.miss();
        }
        Envelope envelope = codec.decode(storeKey, raw);
        long now = clock.millis();
        long expires = envelope.expiresAtMillis();
        if (expires != 0 && now >= expires) {
            return Lookup.miss();
        }
        if (!tagCheck.current(envelope, tags, values)) {
            return Lookup.miss();
        }
        touches.maybeTouch(storeKey, envelope, now);
        if (onCurrent != null) {
            onCurrent.accept(new Stamp(envelope.writtenAtMillis(), expires, envelope.loadMillis()));
        }
        return envelope.isNull() ? Lookup.cachedNull() : Lookup.hit(codec.value(storeKey, envelope, type));
    }

    /** A write that reports nothing ({@code getOrLoad} reports its own). */
    void write(String storeKey, Tags tags, Object value, Duration ttl) {
        write(storeKey, tags, value, ttl, 0);
    }

    /** As {@link #write(String, Tags, Object, Duration)}, recording how long the value's load took. */
    void write(String storeKey, Tags tags, Object value, Duration ttl, long loadMillis) {
        long ttlMillis = ttl.equals(Cache.FOREVER) ? Store.NO_EXPIRY : ttl.toMillis();
        byte[] payload = codec.payload(storeKey, value);
        List<byte[]> versions = tags.isEmpty() ? List.of() : tagger.versions(tags.keys());
        byte[] bytes = codec.entry(storeKey, payload, clock.millis(), ttlMillis, loadMillis, tags, versions);
        store.set(storeKey, bytes, ttlMillis);
    }

    /** See {@link EntryCodec#checkEncodable}. */
    void checkEncodable(String storeKey, Class<?> type) {
        codec.checkEncodable(storeKey, type);
    }

    void remove(String key, String storeKey) {
        long started = System.nanoTime();
        try {
            store.delete(storeKey);
        } catch (StoreException e) {
            events.storeErrorThrown("remove", key, e);
            throw e;
        }
        Duration took = Events.since(started);
        events.tell(l -> l.removed(key, took));
    }

    void flush(Tags tags) {
        long started = System.nanoTime();
        try {
            tagger.flush(tags.keys());
        } catch (StoreException e) {
            events.storeErrorThrown("flush", null, e);
            throw e;
        }
        Duration took = Events.since(started);
        events.tell(l -> l.flushed(Collections.unmodifiableSortedSet(new TreeSet<>(tags.names())), took));
    }
}
