package dev.cachekit.spi;

import dev.cachekit.CacheConfigurationException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options in a cache URI's query ({@code ?prefix=shop:&timeout=2s}). The cache takes the
 * options it knows, then the provider takes its own; whatever is left is reported as unknown,
 * naming the options that are accepted, so a typo never goes unnoticed.
 *
 * <p>Durations are written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or in
 * ISO-8601 ({@code PT30S}). Not thread-safe.
 */
public final class UriOptions {

    private final String uri;
    private final Map<String, String> remaining;
    private final Set<String> known = new TreeSet<>();

    private UriOptions(String uri, Map<String, String> values) {
        this.uri = uri;
        this.remaining = values;
    }

    /**
     * Parses the query of {@code uri}.
     *
     * @param uri the URI
     * @return its options
     * @throws CacheConfigurationException if an option is repeated or has no value
     */
    public static UriOptions of(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (uri.isOpaque()) {
            // "memory:name?a=b": java.net.URI parses no query out of an opaque URI.
            String part = uri.getRawSchemeSpecificPart();
            query = part.contains("?") ? part.substring(part.indexOf('?') + 1) : null;
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CacheConfigurationException(
                            "option '" + pair + "' in " + redact(uri) + " has no value; write name=value");
                }
                String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (values.put(name, value) != null) {
                    throw new CacheConfigurationException("option '" + name + "' is given twice in " + redact(uri));
                }
            }
        }
        return new UriOptions(redact(uri), values);
    }

    /**
     * Takes a string option.
     *
     * @param name the option's name
     * @return its value, if given
     */
    public Optional<String> take(String name) {
        known.add(name);
        return Optional.ofNullable(remaining.remove(name));
    }

    /**
     * Takes a string option, with a default.
     *
     * @param name the option's name
     * @param defaultValue the value when absent
     * @return its value
     */
    public String take(String name, String defaultValue) {
        return take(name).orElse(defaultValue);
    }

    /**
     * Takes a whole-number option.
     *
     * @param name the option's name
     * @param defaultValue the value when absent
     * @return its value
     * @throws CacheConfigurationException if the value is not a whole number
     */
    public int takeInt(String name, int defaultValue) {
        Optional<String> value = take(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw new CacheConfigurationException(
                    "option '" + name + "=" + value.get() + "' in " + uri + " is not a whole number");
        }
    }

    /**
     * Takes a boolean option ({@code true} or {@code false}).
     *
     * @param name the option's name
     * @param defaultValue the value when absent
     * @return its value
     * @throws CacheConfigurationException if the value is neither {@code true} nor {@code false}
     */
    public boolean takeBoolean(String name, boolean defaultValue) {
        Optional<String> value = take(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new CacheConfigurationException(
                        "option '" + name + "=" + value.get() + "' in " + uri + " must be true or false");
        }
    }

    /**
     * Takes a duration option.
     *
     * @param name the option's name
     * @param defaultValue the value when absent
     * @return its value
     * @throws CacheConfigurationException if the value is not a duration
     */
    public Duration takeDuration(String name, Duration defaultValue) {
        Optional<String> value = take(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseDuration(value.get());
        } catch (IllegalArgumentException e) {
            throw new CacheConfigurationException("option '" + name + "=" + value.get() + "' in " + uri
                    + " is not a duration; write e.g. 500ms, 30s, 5m, 2h, 1d or PT30S");
        }
    }

    /**
     * Fails if any option was given that nobody took.
     *
     * @throws CacheConfigurationException naming the unknown options and the accepted ones
     */
    public void requireAllTaken() {
        if (!remaining.isEmpty()) {
            throw new CacheConfigurationException("unknown option" + (remaining.size() > 1 ? "s " : " ")
                    + remaining.keySet() + " in " + uri + "; accepted options: " + known);
        }
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException if the text is not a duration
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long amount = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                case 'd':
                    return Duration.ofDays(amount);
                default:
                    throw new IllegalArgumentException("not a duration: " + text);
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a duration: " + text, e);
        }
    }

    /**
     * Writes a URI for messages, without its password.
     *
     * @param uri the URI
     * @return the URI with any password replaced by {@code ***}
     */
    public static String redact(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || !userInfo.contains(":")) {
            return uri.toString();
        }
        String hidden = userInfo.substring(0, userInfo.indexOf(':')) + ":***";
        return uri.toString().replace(userInfo + "@", hidden + "@");
    }
}
