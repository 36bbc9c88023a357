package dev.cachekit.tck;

class MemoryCacheTest extends CacheContract {
    @Override
    protected BackendFixture fixture() {
        return new MemoryFixture();
    }
}
