package dev.cachekit.core;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.Lookup;
import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.Tagger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Reads and writes entries in the store, any number at a time: a single-key call is the size-1
 * case of the bulk one. A read is one multi-get of the entries and the view's tag versions, then
 * the expiry and the {@link TagCheck} (one more multi-get for the whole batch when entries record
 * tags the view did not name). A write, through any view, encodes every value, reads the view's tag
 * versions once, and writes the entries, each recording the view's tags, with the TTL jitter
 * applied. {@code get}, {@code getAll}, {@code put}, {@code putAll}, {@code remove}, {@code
 * removeAll} and {@code flush} are reported to the listener here.
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
    private final double ttlJitter;

    Entries(
            Store store,
            Tagger tagger,
            EntryCodec codec,
            TagCheck tagCheck,
            Touches touches,
            Clock clock,
            Events events,
            double ttlJitter) {
        this.events = events;
        this.ttlJitter = ttlJitter;
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

    /**
     * A read by {@code getAll}: every key in one multi-get (see {@link #readAll}), each key reported
     * to the listener with its outcome and the duration of the whole call; a store error once.
     *
     * @param keys the caller's keys, distinct
     * @param storeKeys their store keys, in the same order
     * @return each key with its lookup, in the keys' order
     */
    <T> Map<String, Lookup<T>> getAll(List<String> keys, List<String> storeKeys, Tags tags, Class<T> type) {
        Map<String, Lookup<T>> result = new LinkedHashMap<>(mapCapacity(keys.size()));
        if (keys.isEmpty()) {
            return result;
        }
        long started = events.listening() ? System.nanoTime() : 0;
        List<Lookup<T>> found;
        try {
            found = readAll(storeKeys, tags, type);
        } catch (StoreException e) {
            events.storeErrorThrown("getAll", null, e);
            throw e;
        }
        for (int i = 0; i < keys.size(); i++) {
            result.put(keys.get(i), found.get(i));
        }
        if (events.listening()) {
            Duration took = Events.since(started);
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                CacheListener.ReadResult outcome = Events.resultOf(found.get(i));
                events.tell(l -> l.read(key, outcome, took));
            }
        }
        return result;
    }

    /**
     * A read that reports nothing ({@code getOrLoad} reports its own): the size-1 case of {@link
     * #readAll}, through the same steps; an untagged read of an untagged entry, the commonest, makes
     * none of the batch's lists.
     */
    <T> Lookup<T> read(String storeKey, Tags tags, Class<T> type) {
        return read(storeKey, tags, type, null);
    }

    /**
     * As {@link #read(String, Tags, Class)}, telling {@code onCurrent} (if not null) the times of an
     * entry it finds current, before its value is decoded.
     */
    <T> Lookup<T> read(String storeKey, Tags tags, Class<T> type, Consumer<Stamp> onCurrent) {
        if (!tags.isEmpty()) {
            Envelope current = current(List.of(storeKey), tags)[0];
            if (current == null) {
                return Lookup.miss();
            }
            stamp(current, onCurrent);
            return found(storeKey, current, clock.millis(), type);
        }
        byte[] raw = store.get(storeKey);
        if (raw == null) {
            return Lookup.miss();
        }
        long now = clock.millis();
        Envelope envelope = live(storeKey, raw, now);
        if (envelope != null && envelope.tagCount() != 0) {
            Envelope[] one = {envelope};
            tagCheck.retainCurrent(one, tags, Collections.singletonList(raw));
            envelope = one[0];
        }
        if (envelope == null) {
            return Lookup.miss();
        }
        stamp(envelope, onCurrent);
        return found(storeKey, envelope, now, type);
    }

    private static void stamp(Envelope envelope, Consumer<Stamp> onCurrent) {
        if (onCurrent != null) {
            onCurrent.accept(new Stamp(envelope.writtenAtMillis(), envelope.expiresAtMillis(), envelope.loadMillis()));
        }
    }

    /**
     * Reads entries, reporting nothing. One multi-get carries every entry and the current versions
     * of the view's tags (a plain get for one untagged entry); then each entry's expiry and its tags
     * ({@link TagCheck#retainCurrent}: at most one more multi-get, for the whole batch). An entry
     * whose bytes are damaged fails the whole read, naming its key, as a single read does.
     *
     * @param storeKeys the entries' store keys, distinct, at least one
     * @return a lookup per store key, in the same order
     */
    <T> List<Lookup<T>> readAll(List<String> storeKeys, Tags tags, Class<T> type) {
        return readAll(storeKeys, tags, type, null);
    }

    /**
     * As {@link #readAll(List, Tags, Class)}, telling {@code onCurrent} (if not null) the position
     * and times of each entry it finds current, before its value is decoded.
     */
    <T> List<Lookup<T>> readAll(
            List<String> storeKeys, Tags tags, Class<T> type, java.util.function.ObjIntConsumer<Stamp> onCurrent) {
        Envelope[] envelopes = current(storeKeys, tags);
        long now = clock.millis();
        List<Lookup<T>> found = new ArrayList<>(envelopes.length);
        for (int i = 0; i < envelopes.length; i++) {
            Envelope envelope = envelopes[i];
            if (envelope != null && onCurrent != null) {
                onCurrent.accept(
                        new Stamp(envelope.writtenAtMillis(), envelope.expiresAtMillis(), envelope.loadMillis()), i);
            }
            found.add(envelope == null ? Lookup.miss() : found(storeKeys.get(i), envelope, now, type));
        }
        return found;
    }

    /**
     * The fetch and checks of {@link #readAll}: the envelope of each current entry, null for a
     * miss, an expired entry or one whose tags changed.
     */
    private Envelope[] current(List<String> storeKeys, Tags tags) {
        int count = storeKeys.size();
        List<String> tagKeys = tags.keys();
        List<byte[]> values;
        if (tagKeys.isEmpty() && count == 1) {
            values = Collections.singletonList(store.get(storeKeys.get(0)));
        } else {
            // The entries first, then the current versions of the view's tags. Filled by hand:
            // ArrayList.addAll would copy the keys into a second array.
            String[] keys = new String[count + tagKeys.size()];
            for (int i = 0; i < count; i++) {
                keys[i] = storeKeys.get(i);
            }
            for (int i = 0; i < tagKeys.size(); i++) {
                keys[count + i] = tagKeys.get(i);
            }
            values = store.getAll(Arrays.asList(keys));
            checkAnswer(store, keys.length, values);
            for (int i = 0; i < tagKeys.size(); i++) {
                TagCheck.checkVersion(tagKeys.get(i), tags.names().get(i), values.get(count + i));
            }
        }
        long now = clock.millis();
        Envelope[] envelopes = new Envelope[count];
        for (int i = 0; i < count; i++) {
            byte[] raw = values.get(i);
            if (raw != null) {
                envelopes[i] = live(storeKeys.get(i), raw, now);
            }
        }
        tagCheck.retainCurrent(envelopes, tags, values);
        return envelopes;
    }

    /** The envelope of an entry's bytes, or null if it has expired; damaged bytes fail naming the key. */
    private Envelope live(String storeKey, byte[] raw, long now) {
        Envelope envelope = codec.decode(storeKey, raw);
        long expires = envelope.expiresAtMillis();
        return expires == 0 || now < expires ? envelope : null;
    }

    /** What a current entry holds, once it is touched if it is close to expiring. */
    private <T> Lookup<T> found(String storeKey, Envelope envelope, long now, Class<T> type) {
        touches.maybeTouch(storeKey, envelope, now);
        return envelope.isNull() ? Lookup.cachedNull() : Lookup.hit(codec.value(storeKey, envelope, type));
    }

    /**
     * Fails unless a multi-get of {@code asked} keys answered with as many values: a store that drops
     * or adds values would shift every value onto another key.
     */
    static void checkAnswer(Store store, int asked, List<byte[]> answer) {
        if (answer == null || answer.size() != asked) {
            throw new StoreException(
                    store.describe() + " answered a multi-get of " + asked + " keys with "
                            + (answer == null ? "nothing" : answer.size() + " values")
                            + "; Store.getAll must return one value (or null) per key, in order",
                    null);
        }
    }

    /** A write that reports nothing ({@code getOrLoad} reports its own): the size-1 case of {@link #writeAll}. */
    void write(String storeKey, Tags tags, Object value, Duration ttl) {
        writeAll(List.of(storeKey), Collections.singletonList(value), tags, ttl, ttl);
    }

    /**
     * As {@link #write(String, Tags, Object, Duration)}, recording how long the value's load took
     * ({@code loadMillis}; 0 writes exactly what that method writes).
     */
    void write(String storeKey, Tags tags, Object value, Duration ttl, long loadMillis) {
        if (loadMillis == 0) {
            write(storeKey, tags, value, ttl);
            return;
        }
        // writeAll's single-entry step, with the load duration in the envelope.
        byte[] payload = codec.payload(storeKey, value);
        List<byte[]> versions = tags.isEmpty() ? List.of() : tagger.versions(tags.keys());
        long entryTtl = jittered(storeTtl(ttl));
        store.set(
                storeKey,
                codec.entry(storeKey, payload, clock.millis(), entryTtl, loadMillis, tags, versions),
                entryTtl);
    }

    /**
     * A write by {@code putAll}: reported to the listener key by key with the duration of the whole
     * call, or its store error once.
     */
    void putAll(List<String> keys, List<String> storeKeys, List<?> values, Tags tags, Duration ttl, Duration nullTtl) {
        if (keys.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try {
            writeAll(storeKeys, values, tags, ttl, nullTtl);
        } catch (StoreException e) {
            events.storeErrorThrown("putAll", null, e);
            throw e;
        }
        if (events.listening()) {
            Duration took = Events.since(started);
            for (String key : keys) {
                events.tell(l -> l.put(key, took));
            }
        }
    }

    /**
     * Writes entries, reporting nothing. Every value is encoded and every entry built before
     * anything is sent, so a value the codec refuses (or one too large for the store) fails the
     * whole call, naming its key, with nothing written. Then the view's tag versions are read once,
     * and the entries written with one multi-set per TTL (values and nulls may have two), a plain
     * set for a single entry.
     *
     * <p>With TTL jitter, each entry's expiry (the one its envelope records, which every read
     * checks) is shortened by its own random amount; the store is given the longest TTL of the
     * entries sent together, so no entry leaves the store before it expires and one multi-set still
     * carries them all.
     *
     * @param storeKeys the entries' store keys, distinct
     * @param values their values, in the same order (nulls allowed)
     * @param ttl the TTL of non-null values, or {@link Cache#FOREVER}
     * @param nullTtl the TTL of null values, or {@link Cache#FOREVER}
     */
    void writeAll(List<String> storeKeys, List<?> values, Tags tags, Duration ttl, Duration nullTtl) {
        int count = storeKeys.size();
        byte[][] payloads = new byte[count][];
        for (int i = 0; i < count; i++) {
            payloads[i] = codec.payload(storeKeys.get(i), values.get(i));
        }
        List<byte[]> versions = tags.isEmpty() ? List.of() : tagger.versions(tags.keys());
        long now = clock.millis();
        long valueTtl = storeTtl(ttl);
        long nullsTtl = storeTtl(nullTtl);
        if (count == 1) {
            long entryTtl = jittered(values.get(0) == null ? nullsTtl : valueTtl);
            String storeKey = storeKeys.get(0);
            store.set(storeKey, codec.entry(storeKey, payloads[0], now, entryTtl, tags, versions), entryTtl);
            return;
        }
        // One batch per TTL before jitter, each with the longest TTL it holds after jitter.
        Map<Long, Map<String, byte[]>> batches = new LinkedHashMap<>(4);
        Map<Long, Long> longest = new HashMap<>(4);
        for (int i = 0; i < count; i++) {
            long base = values.get(i) == null ? nullsTtl : valueTtl;
            long entryTtl = jittered(base);
            String storeKey = storeKeys.get(i);
            byte[] bytes = codec.entry(storeKey, payloads[i], now, entryTtl, tags, versions);
            batches.computeIfAbsent(base, b -> new LinkedHashMap<>(mapCapacity(count)))
                    .put(storeKey, bytes);
            longest.merge(base, entryTtl, Math::max);
        }
        for (Map.Entry<Long, Map<String, byte[]>> batch : batches.entrySet()) {
            long batchTtl = longest.get(batch.getKey());
            Map<String, byte[]> entries = batch.getValue();
            if (entries.size() == 1) {
                Map.Entry<String, byte[]> only = entries.entrySet().iterator().next();
                store.set(only.getKey(), only.getValue(), batchTtl);
            } else {
                store.setAll(entries, batchTtl);
            }
        }
    }

    /** A TTL as the store takes it: milliseconds, or {@link Store#NO_EXPIRY} for {@link Cache#FOREVER}. */
    private static long storeTtl(Duration ttl) {
        return ttl.equals(Cache.FOREVER) ? Store.NO_EXPIRY : ttl.toMillis();
    }

    /**
     * A TTL shortened by a uniformly random amount up to the jitter fraction, never below 1 ms;
     * {@link Store#NO_EXPIRY} stays as it is.
     */
    long jittered(long ttlMillis) {
        if (ttlJitter == 0 || ttlMillis == Store.NO_EXPIRY) {
            return ttlMillis;
        }
        long cut = (long) (ThreadLocalRandom.current().nextDouble() * ttlJitter * ttlMillis);
        return Math.max(1, ttlMillis - cut);
    }

    private static int mapCapacity(int entries) {
        return entries < 3 ? entries + 1 : (int) Math.min(Integer.MAX_VALUE, (long) entries * 4 / 3 + 1);
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

    /** A delete by {@code removeAll}: one {@link Store#deleteAll}, reported key by key. */
    void removeAll(List<String> keys, List<String> storeKeys) {
        if (keys.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try {
            store.deleteAll(storeKeys);
        } catch (StoreException e) {
            events.storeErrorThrown("removeAll", null, e);
            throw e;
        }
        if (events.listening()) {
            Duration took = Events.since(started);
            for (String key : keys) {
                events.tell(l -> l.removed(key, took));
            }
        }
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
