package dev.cachekit.spi;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.internal.Durations;
import dev.cachekit.internal.Printable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options in a cache URI's query ({@code ?prefix=shop:&timeout=2s}). The cache takes the
 * options it knows, then the provider takes its own; whatever is left is reported as unknown,
 * naming the options that are accepted, so a typo never goes unnoticed.
 *
 * <p>Values are read exactly as written, never trimmed: durations are {@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}), see {@link #parseDuration};
 * whole numbers ASCII digits ({@link #parseInt}); booleans {@code true} or {@code false}. Anything
 * else (a trailing line break, a leading tab, a fullwidth digit) is an error naming the option,
 * with control characters escaped. Not thread-safe.
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
                    throw new CacheConfigurationException("option '" + Printable.escape(pair) + "' in " + redact(uri)
                            + " has no value; write name=value");
                }
                String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (values.put(name, value) != null) {
                    throw new CacheConfigurationException(
                            "option '" + Printable.escape(name) + "' is given twice in " + redact(uri));
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
     * Takes a whole-number option: ASCII digits, with a leading {@code -} for a negative number,
     * and nothing else (no sign {@code +}, no spaces, no other digits).
     *
     * @param name the option's name
     * @param defaultValue the value when absent
     * @return its value
     * @throws CacheConfigurationException if the value is not a whole number that fits an {@code
     *     int}
     */
    public int takeInt(String name, int defaultValue) {
        Optional<String> value = take(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new CacheConfigurationException("option '" + name + "=" + shownValue(name, value.get()) + "' in "
                    + uri + " is not a whole number; write ASCII digits, such as 8");
        }
    }

    /**
     * Takes a boolean option: exactly {@code true} or {@code false}.
     *
     * @param name the option's name
     * @param defaultValue the value when absent
     * @return its value
     * @throws CacheConfigurationException if the value is neither {@code true} nor {@code false}
     */
    public boolean takeBoolean(String name, boolean defaultValue) {
        return takeChoice(name, Map.of("true", Boolean.TRUE, "false", Boolean.FALSE))
                .orElse(defaultValue);
    }

    /**
     * Takes an option whose value is one of a few words, written exactly (same case, no spaces).
     *
     * @param name the option's name
     * @param choices the accepted words and what each means
     * @param <T> what the words mean
     * @return what the given word means, if the option is given
     * @throws CacheConfigurationException if the value is none of the words, naming the option and
     *     the accepted words
     */
    public <T> Optional<T> takeChoice(String name, Map<String, T> choices) {
        Optional<String> value = take(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        T chosen = choices.get(value.get());
        if (chosen == null) {
            StringBuilder accepted = new StringBuilder();
            for (String choice : new TreeSet<>(choices.keySet())) {
                accepted.append(accepted.length() == 0 ? "" : " or ")
                        .append('\'')
                        .append(choice)
                        .append('\'');
            }
            throw new CacheConfigurationException(
                    "option '" + name + "=" + shownValue(name, value.get()) + "' in " + uri + " must be " + accepted);
        }
        return Optional.of(chosen);
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
            throw new CacheConfigurationException("option '" + name + "=" + shownValue(name, value.get()) + "' in "
                    + uri + " is not a duration; write e.g. 500ms, 30s, 5m, 2h, 1d or PT30S");
        }
    }

    /**
     * Takes a duration option that must lie between {@code min} and {@code max}, both included.
     *
     * @param name the option's name
     * @param defaultValue the value when absent (not checked)
     * @param min the shortest accepted
     * @param max the longest accepted
     * @return its value
     * @throws CacheConfigurationException if the value is not a duration or is out of range, naming
     *     the option and the range
     */
    public Duration takeDuration(String name, Duration defaultValue, Duration min, Duration max) {
        Duration value = takeDuration(name, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Durations.range(value, "option " + name, min, max);
        } catch (IllegalArgumentException e) {
            throw new CacheConfigurationException(e.getMessage() + " in " + uri);
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
                    + Printable.escape(remaining.keySet().toString()) + " in " + uri + "; accepted options: " + known);
        }
    }

    /**
     * Parses a duration in one of the documented forms, and nothing else: ASCII digits followed by
     * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 30s}, {@code
     * 5m}, {@code 2h}, {@code 1d}), or ISO-8601 as {@link Duration#parse} reads it ({@code PT30S}).
     * Spaces, line breaks, tabs, signs on the short forms and digits other than ASCII ones (such as
     * the fullwidth {@code ５}) are refused, not trimmed or read as digits.
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException if the text is not a duration in one of these forms
     */
    public static Duration parseDuration(String text) {
        try {
            if (!text.isEmpty()
                    && (text.charAt(0) == 'P'
                            || text.charAt(0) == 'p'
                            || text.charAt(0) == '-'
                            || text.charAt(0) == '+')) {
                // Its pattern takes ASCII digits and letters only, and the whole text.
                return Duration.parse(text);
            }
            Matcher form = SHORT_DURATION.matcher(text);
            if (!form.matches()) {
                throw new IllegalArgumentException("not a duration: " + Printable.quote(text));
            }
            long amount = Long.parseLong(form.group(1));
            switch (form.group(2)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                default:
                    return Duration.ofDays(amount);
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: " + Printable.quote(text), e);
        }
    }

    /**
     * Parses a whole number as the options write it: ASCII digits, with a leading {@code -} for a
     * negative number, and nothing else ({@link Integer#parseInt} would also take {@code +7} and
     * digits of other scripts).
     *
     * @param text the text
     * @return the number
     * @throws NumberFormatException if the text is not such a number or does not fit an {@code int}
     */
    public static int parseInt(String text) {
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            throw new NumberFormatException("not a whole number: " + Printable.quote(text));
        }
        return Integer.parseInt(text);
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]+");

    /**
     * Writes a URI for messages, without its secrets: the password of {@code user:password@}, the
     * whole user information when it is a password alone ({@code redis://secret@host}), and the
     * values of options whose names suggest a secret ({@code password}, {@code token}, ...).
     * Control characters are escaped.
     *
     * @param uri the URI
     * @return the URI with secrets replaced by {@code ***}
     */
    public static String redact(URI uri) {
        return redact(uri.toString());
    }

    /**
     * Writes text meant as a URI for messages, without its secrets, as {@link #redact(URI)} does;
     * for text that does not even parse, everything between {@code //} and the last {@code @} is
     * taken as user information.
     *
     * @param text the text, or {@code null}
     * @return the text with secrets replaced by {@code ***}
     */
    public static String redact(String text) {
        if (text == null) {
            return "null";
        }
        String shown = text;
        URI parsed = null;
        try {
            parsed = new URI(text);
        } catch (URISyntaxException e) {
            // shown broadly redacted below
        }
        int slashes = shown.indexOf("//");
        int start = slashes >= 0 ? slashes + 2 : 0;
        int at = shown.lastIndexOf('@');
        if (parsed != null) {
            // A URI that parses: user information is what precedes '@' in the authority only.
            String authority = parsed.getRawAuthority();
            int authorityAt = authority == null ? -1 : authority.lastIndexOf('@');
            at = authorityAt < 0 || slashes < 0 ? -1 : start + authorityAt;
        }
        if (at >= start) {
            // Text that does not parse: whatever precedes the last '@' may be a password.
            String userInfo = shown.substring(start, at);
            int colon = userInfo.indexOf(':');
            boolean userAndPassword = parsed != null && colon > 0;
            String hidden = userAndPassword ? userInfo.substring(0, colon) + ":***" : "***";
            shown = shown.substring(0, start) + hidden + shown.substring(at);
        }
        shown = SECRET_OPTION.matcher(shown).replaceAll("$1***");
        return Printable.escape(shown);
    }

    /** A query option whose name suggests a secret, up to its value. */
    private static final Pattern SECRET_OPTION =
            Pattern.compile("(?i)([?&;][^=&#]*(?:pass|pwd|secret|token|auth|credential|apikey|sasl)[^=&#]*=)[^&#]*");

    /** An option's value for a message: hidden when the name suggests a secret, escaped otherwise. */
    private static String shownValue(String name, String value) {
        return SECRET_OPTION.matcher("?" + name + "=").matches() ? "***" : Printable.escape(value);
    }
}
