package dev.cachekit.core;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.CacheProvider;
import dev.cachekit.spi.UriOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds {@link CacheProvider}s on the class path by URI scheme.
 *
 * <p>Looked up afresh on every call: opening a cache is rare and a class path can change (tests,
 * plugins).
 */
final class Providers {

    /** Prefix of the system property that chooses a provider class for a scheme (see {@link Caches}). */
    static final String CHOOSE_PROPERTY_PREFIX = "dev.cachekit.provider.";

    private Providers() {}

    /**
     * Parses a cache URI.
     *
     * @param uri the text
     * @return the URI
     * @throws NullPointerException if {@code uri} is null
     * @throws CacheConfigurationException if it is not a URI with a scheme
     */
    private static final Pattern TRAILING_PERCENT = Pattern.compile("%(?=[&#]|$)");

    static URI parse(String uri) {
        if (uri == null) {
            throw new NullPointerException("uri");
        }
        // Not trimmed: a line break or tab around a URI is a mistake to report, not to guess past.
        refuseBlanks(uri);
        String text = uri;
        if (text.matches("[A-Za-z][A-Za-z0-9+.-]*:")) {
            // "memory:" alone: java.net.URI needs something after the colon.
            text = text + "/";
        }
        // A '%' that ends a value (ttlJitter=10%, refreshAhead=80%) cannot start an escape: read it
        // as the percent sign it is, as if written %25.
        text = TRAILING_PERCENT.matcher(text).replaceAll("%25");
        URI parsed;
        try {
            parsed = new URI(text);
        } catch (URISyntaxException e) {
            // The exception's message and input hold the raw text, password included: neither is kept.
            throw new CacheConfigurationException("'" + UriOptions.redact(uri) + "' is not a valid cache URI: "
                    + e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        }
        if (parsed.getScheme() == null) {
            throw new CacheConfigurationException("cache URI '" + UriOptions.redact(uri)
                    + "' has no scheme; installed schemes: "
                    + schemes().keySet());
        }
        return parsed;
    }

    /**
     * Refuses a space, tab, line break or other control character anywhere in a URI, naming the
     * option it is in when it is in one (they must be percent-encoded, as {@code %20}).
     */
    private static void refuseBlanks(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                int query = uri.indexOf('?');
                String where = "";
                if (query >= 0 && i > query) {
                    int start = Math.max(uri.lastIndexOf('&', i), query) + 1;
                    int end = uri.indexOf('&', i);
                    String option = uri.substring(start, end < 0 ? uri.length() : end);
                    // Redacted as the URI is: the option may be a password.
                    where = "option '" + UriOptions.redact("?" + option).substring(1) + "' in ";
                }
                throw new CacheConfigurationException(where + "cache URI '" + UriOptions.redact(uri)
                        + "' holds a space or control character at index " + i
                        + "; remove it, or percent-encode it (%20 for a space)");
            }
        }
    }

    /**
     * Returns the provider for {@code uri}'s scheme.
     *
     * @param uri the cache URI
     * @return the provider
     * @throws CacheConfigurationException if no provider, or more than one, claims the scheme
     */
    static CacheProvider forUri(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        Map<String, List<CacheProvider>> all = schemes();
        List<CacheProvider> candidates = all.get(scheme);
        if (candidates == null) {
            throw new CacheConfigurationException(
                    "no cache provider for scheme '" + scheme + "' in "
                            + UriOptions.redact(uri) + "; installed schemes: " + all.keySet()
                            + ". Add the backend's artifact (cache-redis, cache-memcached, cache-hazelcast) to the class path.");
        }
        String chosen = System.getProperty(CHOOSE_PROPERTY_PREFIX + scheme);
        if (chosen != null) {
            return candidates.stream()
                    .filter(p -> p.getClass().getName().equals(chosen))
                    .findFirst()
                    .orElseThrow(() -> new CacheConfigurationException("system property " + CHOOSE_PROPERTY_PREFIX
                            + scheme + " names " + chosen + ", but the providers for '" + scheme + "' are "
                            + names(candidates)));
        }
        if (candidates.size() > 1) {
            throw new CacheConfigurationException("several cache providers claim scheme '" + scheme + "': "
                    + names(candidates) + "; remove one from the class path or choose one with -D"
                    + CHOOSE_PROPERTY_PREFIX + scheme + "=<class name>");
        }
        return candidates.get(0);
    }

    /**
     * Opens a backend from a URI whose options are all the provider's own.
     *
     * @param uri the cache URI
     * @return the backend
     * @throws CacheConfigurationException if the scheme or an option is unknown
     */
    static Backend open(String uri) {
        URI parsed = parse(uri);
        UriOptions options = UriOptions.of(parsed);
        Backend backend = forUri(parsed).open(parsed, options);
        try {
            options.requireAllTaken();
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return backend;
    }

    /**
     * Every installed scheme, with the providers that claim it.
     *
     * @return schemes in alphabetical order
     * @throws CacheConfigurationException if a provider cannot be loaded or was built for another
     *     SPI version
     */
    static Map<String, List<CacheProvider>> schemes() {
        Map<String, List<CacheProvider>> byScheme = new TreeMap<>();
        try {
            for (CacheProvider provider : ServiceLoader.load(CacheProvider.class, classLoader())) {
                if (provider.apiVersion() != CacheProvider.API_VERSION) {
                    throw new CacheConfigurationException("cache provider "
                            + provider.getClass().getName()
                            + " was built for SPI version " + provider.apiVersion() + ", this cache-api has "
                            + CacheProvider.API_VERSION + "; use matching versions of cache-api and the backend");
                }
                for (String scheme : provider.schemes()) {
                    byScheme.computeIfAbsent(scheme.toLowerCase(Locale.ROOT), s -> new ArrayList<>())
                            .add(provider);
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new CacheConfigurationException("a cache provider could not be loaded: " + e.getMessage(), e);
        }
        Map<String, List<CacheProvider>> frozen = new TreeMap<>();
        byScheme.forEach((scheme, providers) -> frozen.put(scheme, List.copyOf(providers)));
        return Collections.unmodifiableMap(frozen);
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Providers.class.getClassLoader();
    }

    private static String names(List<CacheProvider> providers) {
        return providers.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "));
    }
}
