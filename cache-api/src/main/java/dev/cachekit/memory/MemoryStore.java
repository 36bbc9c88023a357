package dev.cachekit.memory;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process {@link Store} over a {@link MemorySpace}: bounded Caffeine caches with real expiry.
 * An entry past its TTL is never returned and is removed within a couple of seconds whether or
 * not anyone writes; entries beyond the space's {@link MemoryBounds} are evicted; locks and fencing
 * counters never are. The reference store the TCK runs against.
 *
 * <p>Several stores (several "clients") may share one {@link MemorySpace}, as several processes
 * share one Redis. Values are copied in and out. Thread-safe.
 */
public final class MemoryStore implements Store {

    /** What a memory store declares unless told otherwise: 1 ms TTLs and no size limits. */
    public static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities(Duration.ofMillis(1), StoreCapabilities.UNLIMITED, StoreCapabilities.UNLIMITED);

    private final MemorySpace space;
    private final StoreCapabilities capabilities;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates a store over a fresh, private space.
     */
    public MemoryStore() {
        this(MemorySpace.createPrivate());
    }

    /**
     * Creates a store (a client) over a space that other stores may share.
     *
     * @param space the space holding the data
     */
    public MemoryStore(MemorySpace space) {
        this(space, CAPABILITIES);
    }

    /**
     * Creates a store over a space that declares, and enforces, other limits: a stand-in for a
     * server with a maximum key or item size.
     *
     * @param space the space holding the data
     * @param capabilities the limits to declare and enforce (the TTL granularity is declared only)
     */
    public MemoryStore(MemorySpace space, StoreCapabilities capabilities) {
        this.space = Objects.requireNonNull(space, "space");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    }

    /**
     * The space this store reads and writes.
     *
     * @return the space
     */
    public MemorySpace space() {
        return space;
    }

    @Override
    public StoreCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public byte[] get(String key) {
        checkOpen();
        Item item = live(key);
        return item == null ? null : item.value.clone();
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        checkOpen();
        List<byte[]> values = new ArrayList<>(keys.size());
        for (String key : keys) {
            Item item = live(key);
            values.add(item == null ? null : item.value.clone());
        }
        return values;
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        checkOpen();
        checkLimits(key, value);
        space.mapFor(key).put(key, new Item(value.clone(), expiry(ttlMillis)));
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        checkOpen();
        entries.forEach(this::checkLimits);
        long expiresAt = expiry(ttlMillis);
        entries.forEach((key, value) -> space.mapFor(key).put(key, new Item(value.clone(), expiresAt)));
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        checkOpen();
        checkLimits(key, value);
        Item fresh = new Item(value.clone(), expiry(ttlMillis));
        boolean[] written = {false};
        space.mapFor(key).compute(key, (k, old) -> {
            if (old != null && !old.expired(System.nanoTime())) {
                return old;
            }
            written[0] = true;
            return fresh;
        });
        return written[0];
    }

    @Override
    public boolean delete(String key) {
        checkOpen();
        Item removed = space.mapFor(key).remove(key);
        return removed != null && !removed.expired(System.nanoTime());
    }

    @Override
    public int deleteAll(List<String> keys) {
        checkOpen();
        int present = 0;
        long now = System.nanoTime();
        for (String key : new LinkedHashSet<>(keys)) {
            Item removed = space.mapFor(key).remove(key);
            if (removed != null && !removed.expired(now)) {
                present++;
            }
        }
        return present;
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        checkOpen();
        boolean[] deleted = {false};
        space.mapFor(key).computeIfPresent(key, (k, old) -> {
            if (old.expired(System.nanoTime())) {
                return null;
            }
            if (Arrays.equals(old.value, expected)) {
                deleted[0] = true;
                return null;
            }
            return old;
        });
        return deleted[0];
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        checkOpen();
        checkLimits(key, value);
        Item fresh = new Item(value.clone(), expiry(ttlMillis));
        boolean[] replaced = {false};
        space.mapFor(key).computeIfPresent(key, (k, old) -> {
            if (old.expired(System.nanoTime())) {
                return null;
            }
            if (Arrays.equals(old.value, expected)) {
                replaced[0] = true;
                return fresh;
            }
            return old;
        });
        return replaced[0];
    }

    @Override
    public long increment(String key) {
        checkOpen();
        Item next = space.mapFor(key).compute(key, (k, old) -> {
            long current = old == null || old.expired(System.nanoTime()) ? 0 : counter(k, old.value);
            return new Item(Long.toString(current + 1).getBytes(StandardCharsets.US_ASCII), Long.MAX_VALUE);
        });
        return Long.parseLong(new String(next.value, StandardCharsets.US_ASCII));
    }

    /**
     * The time {@code key} has left before it expires, as a server's {@code PTTL} would answer: for
     * tests and the TCK's fixture hook, which check the TTL a write really gave.
     *
     * @param key the key
     * @return empty if the key never expires; {@link Duration#ZERO} if it is absent or expired;
     *     else the time left
     */
    public Optional<Duration> timeToLive(String key) {
        checkOpen();
        Item item = live(key);
        if (item == null) {
            return Optional.of(Duration.ZERO);
        }
        if (item.expiresAtNanos == Long.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, item.expiresAtNanos - System.nanoTime())));
    }

    @Override
    public String describe() {
        return space.name().isEmpty() ? "memory:" : "memory://" + space.name();
    }

    @Override
    public void close() {
        closed.set(true);
    }

    /**
     * The item at {@code key}, if it has not expired: Caffeine hides an item from the moment its
     * deadline passes (its deadline is the item's own, on the same clock), removed or not.
     */
    private Item live(String key) {
        return space.mapFor(key).get(key);
    }

    private long counter(String key, byte[] value) {
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new CorruptEntryException(key, "counter in " + describe() + " does not hold a decimal number", e);
        }
    }

    private void checkLimits(String key, byte[] value) {
        if (capabilities.maxKeyBytes() != StoreCapabilities.UNLIMITED
                && key.getBytes(StandardCharsets.UTF_8).length > capabilities.maxKeyBytes()) {
            throw new IllegalArgumentException("key '" + key + "' is longer than the " + capabilities.maxKeyBytes()
                    + " bytes " + describe() + " accepts");
        }
        if (value.length > capabilities.maxValueBytes()) {
            throw new IllegalArgumentException("value of " + value.length + " bytes for key '" + key
                    + "' is larger than the " + capabilities.maxValueBytes() + " bytes " + describe() + " accepts");
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(describe() + " store is closed");
        }
    }

    /** The longest TTL kept as a deadline; nanoTime + this stays clear of overflow. */
    private static final long MAX_EXPIRING_TTL_MILLIS = Long.MAX_VALUE / 2 / 1_000_000L;

    private static long expiry(long ttlMillis) {
        if (ttlMillis < 0) {
            throw new IllegalArgumentException("ttlMillis must be 0 (no expiry) or positive, was " + ttlMillis);
        }
        if (ttlMillis == NO_EXPIRY || ttlMillis > MAX_EXPIRING_TTL_MILLIS) {
            // Past about 146 years the deadline would overflow in nanoseconds: such a TTL means "keep".
            return Long.MAX_VALUE;
        }
        return System.nanoTime() + ttlMillis * 1_000_000L;
    }

    /** One stored value and its expiry on the {@link System#nanoTime()} scale. */
    record Item(byte[] value, long expiresAtNanos) {
        boolean expired(long now) {
            return expiresAtNanos != Long.MAX_VALUE && now - expiresAtNanos >= 0;
        }

        /** The time left at {@code now}, as Caffeine's expiry asks for it; never for no expiry. */
        long nanosLeft(long now) {
            return expiresAtNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, expiresAtNanos - now);
        }
    }
}
