package dev.cachekit.spi;

import dev.cachekit.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link CacheProvider} builds from a URI, and what {@code Caches.builder().backend(...)}
 * takes: a {@link Store}, with the {@link Tagger} and {@link Locker} that go with it, and whatever
 * else must be closed with it.
 *
 * <p>Without an explicit tagger or locker, the backend uses {@link StoreTagger} and {@link
 * StoreLocker} over its store (with its {@link LockSignal}, if one was given).
 */
public final class Backend implements AutoCloseable {

    private final Store store;
    private final Tagger tagger;
    private final Locker locker;
    private final InvalidationChannel invalidations;
    private final List<AutoCloseable> closeables;

    private Backend(Builder builder) {
        this.store = builder.store;
        this.tagger = builder.tagger != null ? builder.tagger : new StoreTagger(store);
        this.locker = builder.locker != null ? builder.locker : new StoreLocker(store, builder.signal);
        this.invalidations = builder.invalidations;
        List<AutoCloseable> all = new ArrayList<>();
        if (builder.invalidations != null && builder.invalidations != builder.signal) {
            all.add(builder.invalidations);
        }
        if (builder.signal != null) {
            all.add(builder.signal);
        }
        all.add(store);
        all.addAll(builder.closeables);
        this.closeables = List.copyOf(all);
    }

    /**
     * Starts a backend over {@code store}.
     *
     * @param store the store
     * @return a builder
     */
    public static Builder builder(Store store) {
        return new Builder(store);
    }

    /**
     * A backend of just a store, with the default tagger and a polling locker.
     *
     * @param store the store
     * @return the backend
     */
    public static Backend of(Store store) {
        return builder(store).build();
    }

    /**
     * The store.
     *
     * @return the store
     */
    public Store store() {
        return store;
    }

    /**
     * The tagger.
     *
     * @return the tagger
     */
    public Tagger tagger() {
        return tagger;
    }

    /**
     * The locker.
     *
     * @return the locker
     */
    public Locker locker() {
        return locker;
    }

    /**
     * The channel that keeps near caches over this backend coherent, if the backend has one.
     *
     * @return the channel, or empty when this backend cannot keep a near cache ({@code near=on})
     *     coherent
     */
    public java.util.Optional<InvalidationChannel> invalidations() {
        return java.util.Optional.ofNullable(invalidations);
    }

    /**
     * Closes the invalidation channel, the signal, the store and the extra resources, in that order, even if one fails.
     *
     * @throws StoreException if any of them failed to close
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new StoreException("closing " + store.describe() + " failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Assembles a {@link Backend}. */
    public static final class Builder {
        private final Store store;
        private Tagger tagger;
        private Locker locker;
        private LockSignal signal;
        private InvalidationChannel invalidations;
        private final List<AutoCloseable> closeables = new ArrayList<>();

        private Builder(Store store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Uses a backend-specific tagger instead of {@link StoreTagger}.
         *
         * @param tagger the tagger
         * @return this builder
         */
        public Builder tagger(Tagger tagger) {
            this.tagger = Objects.requireNonNull(tagger, "tagger");
            return this;
        }

        /**
         * Uses a backend-specific locker instead of {@link StoreLocker}.
         *
         * @param locker the locker
         * @return this builder
         */
        public Builder locker(Locker locker) {
            this.locker = Objects.requireNonNull(locker, "locker");
            return this;
        }

        /**
         * Wakes lock waiters through {@code signal} (used by the default {@link StoreLocker});
         * closed with the backend.
         *
         * @param signal the wake-up channel
         * @return this builder
         */
        public Builder signal(LockSignal signal) {
            this.signal = Objects.requireNonNull(signal, "signal");
            return this;
        }

        /**
         * Keeps near caches over this backend coherent through {@code channel} (without one, a
         * cache refuses {@code near=on}); closed with the backend. It may be the same object as
         * the {@link #signal lock signal}.
         *
         * @param channel the invalidation channel
         * @return this builder
         */
        public Builder invalidations(InvalidationChannel channel) {
            this.invalidations = Objects.requireNonNull(channel, "channel");
            return this;
        }

        /**
         * Closes {@code resource} when the backend is closed, after the store (a client pool, an
         * embedded server the provider started).
         *
         * @param resource the resource
         * @return this builder
         */
        public Builder closeWith(AutoCloseable resource) {
            closeables.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Builds the backend.
         *
         * @return the backend
         */
        public Backend build() {
            return new Backend(this);
        }
    }
}
