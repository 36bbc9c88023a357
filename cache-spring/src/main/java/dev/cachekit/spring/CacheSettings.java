package dev.cachekit.spring;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The settings of one Spring cache: the TTL of its entries, the TTL of its cached nulls, and tags
 * added to every entry it writes (beside the cache's own name, which is always a tag). A TTL left
 * unset is the underlying {@link dev.cachekit.Cache}'s default.
 *
 * <p>Immutable; each {@code with} method returns a copy.
 */
public final class CacheSettings {

    private static final CacheSettings DEFAULTS = new CacheSettings(null, null, Collections.emptySortedSet());

    private final Duration ttl;
    private final Duration nullTtl;
    private final SortedSet<String> tags;

    private CacheSettings(Duration ttl, Duration nullTtl, SortedSet<String> tags) {
        this.ttl = ttl;
        this.nullTtl = nullTtl;
        this.tags = tags;
    }

    /**
     * Settings that change nothing: the cache's default TTLs and no extra tags.
     *
     * @return the default settings
     */
    public static CacheSettings defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with this TTL for values.
     *
     * @param ttl a positive TTL, {@link dev.cachekit.Cache#FOREVER} for no expiry, or {@code null}
     *     for the cache's default
     * @return the copy
     * @throws IllegalArgumentException if the TTL is zero or negative
     */
    public CacheSettings withTtl(Duration ttl) {
        return new CacheSettings(positive(ttl, "ttl"), nullTtl, tags);
    }

    /**
     * A copy with this TTL for cached nulls.
     *
     * @param nullTtl a positive TTL, or {@code null} for the cache's default null TTL
     * @return the copy
     * @throws IllegalArgumentException if the TTL is zero or negative
     */
    public CacheSettings withNullTtl(Duration nullTtl) {
        return new CacheSettings(ttl, positive(nullTtl, "nullTtl"), tags);
    }

    /**
     * A copy whose entries carry these tags too (they replace the tags set before).
     *
     * @param tags non-empty tag names
     * @return the copy
     * @throws IllegalArgumentException if a tag is empty
     */
    public CacheSettings withTags(Collection<String> tags) {
        SortedSet<String> copy = new TreeSet<>();
        for (String tag : tags) {
            if (tag == null || tag.isEmpty()) {
                throw new IllegalArgumentException("a tag must be a non-empty string; tags were " + tags);
            }
            copy.add(tag);
        }
        return new CacheSettings(ttl, nullTtl, Collections.unmodifiableSortedSet(copy));
    }

    /**
     * A copy whose entries carry these tags too.
     *
     * @param tags non-empty tag names
     * @return the copy
     */
    public CacheSettings withTags(String... tags) {
        return withTags(List.of(tags));
    }

    /**
     * These settings, with every setting left unset here taken from {@code defaults}; the tags are
     * the union of both.
     *
     * @param defaults the settings that apply where these are silent
     * @return the combined settings
     */
    public CacheSettings orElse(CacheSettings defaults) {
        SortedSet<String> union = new TreeSet<>(defaults.tags);
        union.addAll(tags);
        return new CacheSettings(
                ttl != null ? ttl : defaults.ttl,
                nullTtl != null ? nullTtl : defaults.nullTtl,
                Collections.unmodifiableSortedSet(union));
    }

    /**
     * The TTL of values.
     *
     * @return the TTL, empty for the cache's default
     */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /**
     * The TTL of cached nulls.
     *
     * @return the TTL, empty for the cache's default
     */
    public Optional<Duration> nullTtl() {
        return Optional.ofNullable(nullTtl);
    }

    /**
     * The extra tags of every entry.
     *
     * @return the tags, sorted; empty if none
     */
    public SortedSet<String> tags() {
        return tags;
    }

    private static Duration positive(Duration ttl, String what) {
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw new IllegalArgumentException(what + " must be positive; was " + ttl);
        }
        return ttl;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheSettings other
                && Objects.equals(ttl, other.ttl)
                && Objects.equals(nullTtl, other.nullTtl)
                && tags.equals(other.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttl, nullTtl, tags);
    }

    @Override
    public String toString() {
        return "CacheSettings[ttl=" + (ttl == null ? "default" : ttl) + ", nullTtl="
                + (nullTtl == null ? "default" : nullTtl) + ", tags=" + tags + "]";
    }
}
