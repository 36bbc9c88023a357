package dev.cachekit.memory;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.CacheProvider;
import dev.cachekit.spi.UriOptions;
import java.net.URI;
import java.util.Set;

/**
 * Opens the in-process backend: {@code memory:} (a private space, seen by this cache only) or
 * {@code memory://NAME} (the JVM-wide space of that name, shared by every cache that opens it).
 * Locks in a space wake their waiters in-process, without polling. Takes no options of its own.
 */
public final class MemoryProvider implements CacheProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemoryProvider() {}

    @Override
    public int apiVersion() {
        return API_VERSION;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public Backend open(URI uri, UriOptions options) {
        String name;
        if (uri.isOpaque()) {
            name = uri.getSchemeSpecificPart();
            name = name.contains("?") ? name.substring(0, name.indexOf('?')) : name;
        } else {
            name = uri.getAuthority() != null
                    ? uri.getAuthority()
                    : uri.getPath().replaceFirst("^/+", "");
        }
        MemorySpace space = name == null || name.isEmpty() ? MemorySpace.createPrivate() : MemorySpace.named(name);
        return Backend.builder(new MemoryStore(space)).signal(space.signal()).build();
    }
}
