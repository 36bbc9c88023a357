package dev.cachekit.tck;

class MemoryLockerTest extends LockerContract {
    @Override
    protected BackendFixture fixture() {
        return new MemoryFixture();
    }
}
