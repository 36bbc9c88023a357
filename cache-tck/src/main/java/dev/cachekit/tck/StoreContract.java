package dev.cachekit.tck;

/**
 * The contract of the Store (placeholder: the TCK issue fills it in).
 */
public abstract class StoreContract {

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    protected abstract BackendFixture fixture();
}
