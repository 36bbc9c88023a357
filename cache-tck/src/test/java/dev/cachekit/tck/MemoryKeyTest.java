package dev.cachekit.tck;

/** The TCK's key contract against the in-process memory store. */
class MemoryKeyTest extends KeyContract {
    @Override
    protected BackendFixture fixture() {
        return new MemoryFixture();
    }
}
