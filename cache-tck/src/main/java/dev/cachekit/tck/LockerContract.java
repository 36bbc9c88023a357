package dev.cachekit.tck;

/**
 * The contract of the Locker (placeholder: the TCK issue fills it in).
 */
public abstract class LockerContract {

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    protected abstract BackendFixture fixture();
}
