package dev.cachekit.core;

import dev.cachekit.CacheException;
import dev.cachekit.CodecException;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.codec.Codec;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.util.List;

/**
 * Values to entry bytes and back: wraps the codec's payload in an {@link Envelope} (null flag,
 * codec id, write time and expiry, the tags and their versions, checksum) and checks what an entry
 * can hold before anything is written.
 */
final class EntryCodec {

    private final Codec codec;
    private final int maxValueBytes;
    private final String storeDescription;

    EntryCodec(Codec codec, StoreCapabilities capabilities, String storeDescription) {
        this.codec = codec;
        this.maxValueBytes = capabilities.maxValueBytes();
        this.storeDescription = storeDescription;
    }

    /**
     * The bytes of an entry.
     *
     * @param storeKey the entry's store key, for messages
     * @param payload the value's bytes from {@link #payload}, or null for a cached null
     * @param nowMillis the write time
     * @param ttlMillis the TTL, or {@link Store#NO_EXPIRY}
     * @param tags the tags the entry carries
     * @param versions their current versions, in the same order
     */
    byte[] entry(
            String storeKey, byte[] payload, long nowMillis, long ttlMillis, Entries.Tags tags, List<byte[]> versions) {
        return entry(storeKey, payload, nowMillis, ttlMillis, 0, tags, versions);
    }

    /**
     * The bytes of an entry that records how long the load of its value took ({@code loadMillis},
     * 0 for none).
     */
    byte[] entry(
            String storeKey,
            byte[] payload,
            long nowMillis,
            long ttlMillis,
            long loadMillis,
            Entries.Tags tags,
            List<byte[]> versions) {
        checkVersions(storeKey, tags, versions);
        long expires = ttlMillis == Store.NO_EXPIRY ? 0 : nowMillis + ttlMillis;
        byte[] bytes = Envelope.encode(
                payload == null,
                codec.id(),
                nowMillis,
                expires,
                loadMillis,
                tags.encodedNames(),
                versions,
                payload == null ? new byte[0] : payload);
        if (bytes.length > maxValueBytes) {
            throw new IllegalArgumentException("the value for key " + Printable.quote(storeKey) + " is " + bytes.length
                    + " bytes encoded, but " + storeDescription + " accepts at most " + maxValueBytes
                    + "; nothing was written");
        }
        return bytes;
    }

    /**
     * Fails, naming the key and how to allow the class, if the codec would refuse values of {@code
     * type}: {@code getOrLoad} asks before calling its loader, so a misconfigured allow-list costs
     * no load.
     */
    void checkEncodable(String storeKey, Class<?> type) {
        try {
            codec.checkEncodable(type);
        } catch (CodecException e) {
            throw new CodecException(
                    "getOrLoad of entry " + Printable.quote(storeKey) + " would load a value it cannot cache: "
                            + e.getMessage() + "; the loader was not called",
                    e);
        }
    }

    /** The envelope of an entry's bytes, refusing one written with another codec. */
    Envelope decode(String storeKey, byte[] raw) {
        Envelope envelope = Envelope.decode(storeKey, raw);
        if (envelope.codecId() != codec.id()) {
            throw new CorruptEntryException(
                    storeKey,
                    "written with codec id " + envelope.codecId()
                            + ", but this cache uses codec " + codec.name() + " (id " + codec.id()
                            + "); every cache on one prefix must use the same codec");
        }
        return envelope;
    }

    /** The value an envelope holds (null for a cached null). */
    <T> T value(String storeKey, Envelope envelope, Class<T> type) {
        if (envelope.isNull()) {
            return null;
        }
        try {
            return codec.decode(envelope.bytes(), envelope.payloadOffset(), envelope.payloadLength(), type);
        } catch (CodecException e) {
            throw new CodecException("entry " + Printable.quote(storeKey) + ": " + e.getMessage(), e);
        }
    }

    /** The codec's bytes for a value, or null for a null value. */
    byte[] payload(String storeKey, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return codec.encode(value);
        } catch (CodecException e) {
            throw new CodecException("entry " + Printable.quote(storeKey) + ": " + e.getMessage(), e);
        }
    }

    private static void checkVersions(String storeKey, Entries.Tags tags, List<byte[]> versions) {
        if (versions.size() != tags.names().size()) {
            throw new CacheException("the tagger gave " + versions.size() + " versions for the "
                    + tags.names().size() + " tags of entry " + Printable.quote(storeKey) + "; nothing was written");
        }
        for (int i = 0; i < versions.size(); i++) {
            byte[] version = versions.get(i);
            if (version == null) {
                throw new CacheException(
                        "the tagger gave tag " + Printable.quote(tags.names().get(i))
                                + " no version; nothing was written for " + Printable.quote(storeKey));
            }
            TagCheck.checkVersion(tags.keys().get(i), tags.names().get(i), version);
        }
    }
}
