package dev.cachekit.memory;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.CacheProvider;
import dev.cachekit.spi.UriOptions;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens the in-process backend: {@code memory:} (a private space, seen by this cache only) or
 * {@code memory://NAME} (the JVM-wide space of that name, shared by every cache that opens it).
 * Locks in a space wake their waiters in-process, without polling.
 *
 * <p>Options: {@code maxEntries} (default 10,000) and {@code maxBytes} (default {@code 64MiB}; a
 * number of bytes, or with {@code KiB}, {@code MiB} or {@code GiB}), the space's {@link
 * MemoryBounds}. A named space already open keeps its bounds: opening it again with other bounds
 * fails, naming both; without options it is shared as it is.
 */
public final class MemoryProvider implements CacheProvider {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|kib|mib|gib)");

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
        Optional<String> entries = options.take("maxEntries");
        Optional<String> bytes = options.take("maxBytes");
        MemoryBounds bounds = MemoryBounds.DEFAULT;
        try {
            if (entries.isPresent()) {
                bounds = bounds.withMaxEntries(parse("maxEntries", entries.get(), false, uri));
            }
            if (bytes.isPresent()) {
                bounds = bounds.withMaxBytes(parse("maxBytes", bytes.get(), true, uri));
            }
        } catch (IllegalArgumentException e) {
            throw new CacheConfigurationException(e.getMessage() + " in " + UriOptions.redact(uri));
        }
        boolean bounded = entries.isPresent() || bytes.isPresent();
        MemorySpace space;
        if (name == null || name.isEmpty()) {
            space = MemorySpace.createPrivate(bounds);
        } else {
            space = bounded ? MemorySpace.named(name, bounds) : MemorySpace.named(name);
        }
        return Backend.builder(new MemoryStore(space)).signal(space.signal()).build();
    }

    private static long parse(String option, String text, boolean size, URI uri) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (!size && !m.group(2).isEmpty())) {
            throw new CacheConfigurationException("option '" + option + "=" + Printable.escape(text) + "' in "
                    + UriOptions.redact(uri)
                    + (size ? " is not a size; write e.g. 1048576, 512KiB, 64MiB or 2GiB" : " is not a whole number"));
        }
        long unit = switch (m.group(2)) {
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new CacheConfigurationException(
                    "option '" + option + "=" + Printable.escape(text) + "' in " + UriOptions.redact(uri)
                            + " is too large",
                    e);
        }
    }
}
