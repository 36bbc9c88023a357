package dev.cachekit.tck;

import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;

/** The memory: backend: every client a {@link MemoryStore} over one private space. */
final class MemoryFixture implements BackendFixture {

    private final MemorySpace space = MemorySpace.createPrivate();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Backend open() {
        return Backend.builder(new MemoryStore(space)).signal(space.signal()).build();
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
    public void reset() {
        space.clear();
    }
}
