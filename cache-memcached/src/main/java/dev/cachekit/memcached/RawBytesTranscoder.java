package dev.cachekit.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Stores a value's bytes exactly as given, with flags 0: no compression, no serialization, no
 * type marker, so every byte sequence (the empty one too) reads back unchanged, and other clients
 * see the same bytes. The size limit is enforced by {@link MemcachedStore} before encoding.
 */
final class RawBytesTranscoder implements Transcoder<byte[]> {

    static final RawBytesTranscoder INSTANCE = new RawBytesTranscoder();

    private RawBytesTranscoder() {}

    @Override
    public boolean asyncDecode(CachedData data) {
        return false;
    }

    @Override
    public CachedData encode(byte[] value) {
        return new CachedData(0, value, Integer.MAX_VALUE);
    }

    @Override
    public byte[] decode(CachedData data) {
        return data.getData();
    }

    @Override
    public int getMaxSize() {
        return Integer.MAX_VALUE;
    }
}
