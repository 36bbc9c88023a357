package dev.cachekit;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a read: a miss, a cached {@code null} (negative caching: the source said "no such
 * thing", and the cache remembers it), or a value.
 *
 * @param <T> the value's type
 */
public final class Lookup<T> {

    private static final Lookup<?> MISS = new Lookup<>(false, null);
    private static final Lookup<?> NULL = new Lookup<>(true, null);

    private final boolean hit;
    private final T value;

    private Lookup(boolean hit, T value) {
        this.hit = hit;
        this.value = value;
    }

    /**
     * A miss.
     *
     * @param <T> the value's type
     * @return the miss
     */
    @SuppressWarnings("unchecked")
    public static <T> Lookup<T> miss() {
        return (Lookup<T>) MISS;
    }

    /**
     * A hit on a cached {@code null}.
     *
     * @param <T> the value's type
     * @return the hit
     */
    @SuppressWarnings("unchecked")
    public static <T> Lookup<T> cachedNull() {
        return (Lookup<T>) NULL;
    }

    /**
     * A hit on a value, or on a cached {@code null} if {@code value} is null.
     *
     * @param value the value
     * @param <T> the value's type
     * @return the hit
     */
    public static <T> Lookup<T> hit(T value) {
        return value == null ? cachedNull() : new Lookup<>(true, value);
    }

    /**
     * Whether the key was found (a value or a cached {@code null}).
     *
     * @return {@code true} on a hit
     */
    public boolean isHit() {
        return hit;
    }

    /**
     * Whether the key was not found.
     *
     * @return {@code true} on a miss
     */
    public boolean isMiss() {
        return !hit;
    }

    /**
     * Whether the key was found holding a cached {@code null}.
     *
     * @return {@code true} on a cached null
     */
    public boolean isCachedNull() {
        return hit && value == null;
    }

    /**
     * The value of a hit, which is {@code null} for a cached null.
     *
     * @return the value
     * @throws NoSuchElementException on a miss
     */
    public T value() {
        if (!hit) {
            throw new NoSuchElementException("cache miss: there is no value");
        }
        return value;
    }

    /**
     * The value of a hit, or {@code other} on a miss.
     *
     * @param other the value for a miss
     * @return the value, {@code null} for a cached null, or {@code other}
     */
    public T orElse(T other) {
        return hit ? value : other;
    }

    /**
     * The value, if there is a non-null one.
     *
     * @return the value, empty on a miss or a cached null
     */
    public Optional<T> toOptional() {
        return Optional.ofNullable(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lookup<?> other && hit == other.hit && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hit, value);
    }

    @Override
    public String toString() {
        return !hit ? "Lookup.miss" : value == null ? "Lookup.cachedNull" : "Lookup.hit[" + value + "]";
    }
}
