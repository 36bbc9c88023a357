package dev.cachekit.tck;

/**
 * The contract of the Cache (placeholder: the TCK issue fills it in).
 */
public abstract class CacheContract {

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    protected abstract BackendFixture fixture();
}
