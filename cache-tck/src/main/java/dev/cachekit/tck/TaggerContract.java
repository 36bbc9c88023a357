package dev.cachekit.tck;

/**
 * The contract of the Tagger (placeholder: the TCK issue fills it in).
 */
public abstract class TaggerContract {

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    protected abstract BackendFixture fixture();
}
