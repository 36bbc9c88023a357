package dev.cachekit.core;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.CacheProvider;
import dev.cachekit.spi.UriOptions;
import java.net.URI;
import java.util.Set;

/** Two providers that both claim the {@code dup} scheme, registered in the tests' services file. */
final class DuplicateProviders {

    private DuplicateProviders() {}

    public static class First implements CacheProvider {
        @Override
        public int apiVersion() {
            return API_VERSION;
        }

        @Override
        public Set<String> schemes() {
            return Set.of("dup");
        }

        @Override
        public Backend open(URI uri, UriOptions options) {
            throw new AssertionError("never chosen");
        }
    }

    /** The same claim from another class, as a second jar on the class path would make it. */
    public static final class Second extends First {}
}
