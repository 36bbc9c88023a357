package dev.cachekit.tck;

class MemoryTaggerTest extends TaggerContract {
    @Override
    protected BackendFixture fixture() {
        return new MemoryFixture();
    }
}
