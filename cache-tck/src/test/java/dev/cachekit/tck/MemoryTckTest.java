package dev.cachekit.tck;

/**
 * The whole kit against the memory backend on its default bounds (10,000 entries, 64 MiB): the
 * reference every other backend is held to.
 */
class MemoryTckTest extends Tck {

    private static final BackendFixture FIXTURE = new MemoryFixture();

    @Override
    protected BackendFixture fixture() {
        return FIXTURE;
    }
}
