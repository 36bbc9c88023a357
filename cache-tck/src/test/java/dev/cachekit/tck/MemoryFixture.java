package dev.cachekit.tck;

import dev.cachekit.memory.MemoryBounds;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import dev.cachekit.spi.StoreLocker;
import java.time.Duration;
import java.util.Optional;

/**
 * The memory: backend: every client a {@link MemoryStore} over one private space (with the default
 * bounds unless told otherwise), declaring the memory store's own capabilities or the given ones,
 * behind a {@link SimulatedServer} the outage tests stop and start. {@link DefectiveFixture} builds on it.
 */
class MemoryFixture implements BackendFixture {

    final MemorySpace space;
    final StoreCapabilities capabilities;
    final SimulatedServer server;
    private final String name;

    MemoryFixture() {
        this(MemoryBounds.DEFAULT);
    }

    /**
     * A fixture whose space keeps these bounds. The kit run side by side ({@link Tck#run} with
     * several threads) has several groups' keys in one space at once, two of them writing 10,000
     * entries each: more than the default bounds, so eviction would remove other tests' keys.
     */
    MemoryFixture(MemoryBounds bounds) {
        this("memory", MemoryStore.CAPABILITIES, bounds);
    }

    MemoryFixture(String name, StoreCapabilities capabilities) {
        this(name, capabilities, MemoryBounds.DEFAULT);
    }

    private MemoryFixture(String name, StoreCapabilities capabilities, MemoryBounds bounds) {
        this.name = name;
        this.capabilities = capabilities;
        this.space = MemorySpace.createPrivate(bounds);
        this.server = new SimulatedServer("memory space " + Integer.toHexString(System.identityHashCode(space)));
    }

    /** Bounds no run of the kit reaches, side by side included. */
    static final MemoryBounds ROOM_FOR_PARALLEL_RUNS = new MemoryBounds(1_000_000, 1L << 30);

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
