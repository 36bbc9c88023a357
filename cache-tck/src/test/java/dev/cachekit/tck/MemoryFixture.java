package dev.cachekit.tck;

import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import dev.cachekit.spi.StoreLocker;
import java.time.Duration;
import java.util.Optional;

/**
 * The memory: backend: every client a {@link MemoryStore} over one private space, declaring the
 * memory store's own capabilities or the given ones, behind a {@link SimulatedServer} the outage
 * tests stop and start. {@link DefectiveFixture} builds on it.
 */
class MemoryFixture implements BackendFixture {

    final MemorySpace space = MemorySpace.createPrivate();
    final StoreCapabilities capabilities;
    final SimulatedServer server =
            new SimulatedServer("memory space " + Integer.toHexString(System.identityHashCode(space)));
    private final String name;

    MemoryFixture() {
        this("memory", MemoryStore.CAPABILITIES);
    }

    MemoryFixture(String name, StoreCapabilities capabilities) {
        this.name = name;
        this.capabilities = capabilities;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Backend open() {
        return Backend.builder(server.guard(new MemoryStore(space, capabilities)))
                .signal(space.signal())
                .build();
    }

    @Override
    public byte[] rawGet(String key) {
        return new MemoryStore(space).get(key);
    }

    @Override
    public void rawDelete(String key) {
        new MemoryStore(space).delete(key);
    }

    @Override
    public Optional<Duration> rawTtl(String key) {
        return new MemoryStore(space).timeToLive(key);
    }

    @Override
    public void reset() {
        space.clear();
    }

    @Override
    public void rawExpireKeysWithTtl() {
        space.expireKeysWithTtl();
    }

    @Override
    public Optional<ServerControl> server() {
        return Optional.of(server);
    }

    @Override
    public Backend lockerOverStore(Backend opened, Store store) {
        return Backend.builder(store)
                .signal(space.signal())
                .locker(new StoreLocker(store, space.signal()))
                .closeWith(opened)
                .build();
    }
}
