package dev.cachekit.tck;

import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import dev.cachekit.spi.StoreLocker;
import dev.cachekit.spi.StoreTagger;
import dev.cachekit.spi.Tagger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The memory backend with parts swapped for defective ones: every client's store, tagger, locker
 * or signal is built by the given functions over one private space.
 */
final class DefectiveFixture extends MemoryFixture {

    private final Function<Store, Store> store;
    private final Function<Store, Tagger> tagger;
    private final BiFunction<Store, LockSignal, Locker> locker;
    private final Function<LockSignal, LockSignal> signal;

    private DefectiveFixture(Builder builder) {
        super(builder.name, builder.capabilities == null ? MemoryStore.CAPABILITIES : builder.capabilities);
        this.store = builder.store;
        this.tagger = builder.tagger;
        this.locker = builder.locker;
        this.signal = builder.signal;
    }

    static Builder named(String name) {
        return new Builder(name);
    }

    @Override
    public Backend open() {
        Store client = store.apply(server.guard(new MemoryStore(space, capabilities)));
        return Backend.builder(client)
                .tagger(tagger.apply(client))
                .locker(locker.apply(client, signal.apply(space.signal())))
                .build();
    }

    @Override
    public Backend overStore(Backend opened, Store decorated) {
        return Backend.builder(decorated)
                .tagger(tagger.apply(decorated))
                .locker(opened.locker())
                .closeWith(opened)
                .build();
    }

    @Override
    public Backend lockerOverStore(Backend opened, Store decorated) {
        return Backend.builder(decorated)
                .tagger(tagger.apply(decorated))
                .locker(locker.apply(decorated, signal.apply(space.signal())))
                .closeWith(opened)
                .build();
    }

    @Override
    public String toString() {
        return name();
    }

    static final class Builder {
        private final String name;
        private StoreCapabilities capabilities;
        private Function<Store, Store> store = Function.identity();
        private Function<Store, Tagger> tagger = StoreTagger::new;
        private BiFunction<Store, LockSignal, Locker> locker = StoreLocker::new;
        private Function<LockSignal, LockSignal> signal = Function.identity();

        private Builder(String name) {
            this.name = name;
        }

        Builder capabilities(StoreCapabilities capabilities) {
            this.capabilities = capabilities;
            return this;
        }

        Builder store(Function<Store, Store> store) {
            this.store = store;
            return this;
        }

        Builder tagger(Function<Store, Tagger> tagger) {
            this.tagger = tagger;
            return this;
        }

        Builder locker(BiFunction<Store, LockSignal, Locker> locker) {
            this.locker = locker;
            return this;
        }

        Builder signal(Function<LockSignal, LockSignal> signal) {
            this.signal = signal;
            return this;
        }

        DefectiveFixture build() {
            return new DefectiveFixture(this);
        }
    }
}
