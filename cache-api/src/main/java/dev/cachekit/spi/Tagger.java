package dev.cachekit.spi;

import java.util.List;

/**
 * Keeps the current version of each tag. A tag's version lives in the {@link Store} under the
 * tag's key (the cache chooses the keys and passes them in), so the cache can read an entry and
 * the versions of its tags in one {@link Store#getAll} round trip.
 *
 * <p>A version is a random id, never a counter: when a tag key is evicted and created again, an
 * old version must never come back and make stale entries valid again.
 *
 * <p>{@link StoreTagger} works over any store; a backend supplies its own only where it saves
 * round trips.
 */
public interface Tagger {

    /**
     * Returns the current version of each tag key, creating a fresh random version (with
     * set-if-absent, so concurrent writers agree) for each key that has none.
     *
     * @param tagKeys the tag keys, without repeats
     * @return the versions, in the order of {@code tagKeys}, each non-null and at most 255 bytes
     *     long (an entry keeps a version's length in one byte)
     */
    List<byte[]> versions(List<String> tagKeys);

    /**
     * Gives each tag key a fresh random version, in one multi-set whatever the number of entries
     * that carry the tags. Every entry written under an older version is invalid from then on.
     *
     * @param tagKeys the tag keys to flush
     */
    void flush(List<String> tagKeys);
}
