package dev.cachekit.tck;

class MemoryStoreTest extends StoreContract {
    @Override
    protected BackendFixture fixture() {
        return new MemoryFixture();
    }
}
