package dev.cachekit.jcache;

import dev.cachekit.CodecException;
import dev.cachekit.codec.Codec;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import javax.cache.CacheException;

/**
 * How one cache's keys and values look in the store. A key becomes a cachekit key: the cache's
 * name (length first, so no two caches' keys meet) and the key's form, which is the text of a
 * {@code String}, a boxed integer or a {@code UUID} with a letter for its type, or else the key's
 * codec bytes in Base64 (so such keys are equal in the store when their encodings are equal). A
 * value is stored as eight bytes of expiry time (epoch milliseconds, {@link Long#MAX_VALUE} for
 * none) followed by its codec bytes; decoding makes the copy that store-by-value asks for.
 */
final class EntryForm {

    static final long ETERNAL = Long.MAX_VALUE;

    private final String cacheName;
    private final String keyPrefix;
    private final Codec codec;

    EntryForm(String cacheName, Codec codec) {
        this.cacheName = cacheName;
        this.keyPrefix = cacheName.length() + ":" + cacheName + ":";
        this.codec = codec;
    }

    String key(Object key) {
        return keyPrefix + keyForm(key);
    }

    private String keyForm(Object key) {
        if (key instanceof String s) {
            return "s" + s;
        }
        if (key instanceof Long l) {
            return "l" + l;
        }
        if (key instanceof Integer i) {
            return "i" + i;
        }
        if (key instanceof Short s) {
            return "h" + s;
        }
        if (key instanceof Byte b) {
            return "b" + b;
        }
        if (key instanceof Character c) {
            return "c" + c;
        }
        if (key instanceof UUID u) {
            return "u" + u;
        }
        return "o" + Base64.getUrlEncoder().withoutPadding().encodeToString(encode(key, "key"));
    }

    byte[] value(Object value, long expiresAt) {
        byte[] payload = encode(value, "value");
        return ByteBuffer.allocate(8 + payload.length)
                .putLong(expiresAt)
                .put(payload)
                .array();
    }

    static long expiresAt(byte[] stored) {
        return ByteBuffer.wrap(stored, 0, 8).getLong();
    }

    static byte[] withExpiry(byte[] stored, long expiresAt) {
        byte[] copy = stored.clone();
        ByteBuffer.wrap(copy, 0, 8).putLong(expiresAt);
        return copy;
    }

    <V> V decode(byte[] stored, Class<V> type) {
        try {
            return codec.decode(stored, 8, stored.length - 8, type);
        } catch (CodecException e) {
            throw new CacheException(
                    "cache " + cacheName + " cannot read a value: " + e.getMessage()
                            + " (allow the class with setTypes or the " + JCacheProvider.ALLOW_PROPERTY + " property)",
                    e);
        }
    }

    private byte[] encode(Object object, String what) {
        try {
            return codec.encode(object);
        } catch (CodecException e) {
            throw new CacheException(
                    "cache " + cacheName + " cannot store a " + what + " of "
                            + object.getClass().getName() + ": " + e.getMessage()
                            + " (allow the class with setTypes or the "
                            + JCacheProvider.ALLOW_PROPERTY + " property)",
                    e);
        }
    }
}
