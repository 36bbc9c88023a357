package dev.cachekit;

import java.util.Objects;

/**
 * When a read of {@code getOrLoad} or {@code getOrLoadAll} reloads a hot entry before it expires,
 * so callers of a hot key never wait for a load: the read returns the current value at once and
 * starts one background reload (at most one cluster-wide: the key's load lock decides, with a zero
 * wait, and the callers that lose do nothing). A failed refresh leaves the entry as it was, still
 * expiring at its old time, and reaches {@link CacheListener#refreshFailed}.
 *
 * <p>Three rules:
 *
 * <ul>
 *   <li>{@link #off()}, the default;
 *   <li>{@link #at(double)}: refresh once the entry has lived that fraction of its TTL ({@code
 *       refreshAhead=0.8} in a URI: after 80%);
 *   <li>{@link #xfetch(double)}: the probabilistic early expiration of Vattani, Chierichetti and
 *       Lowenstein (PVLDB 2015): a read at time {@code now} refreshes when {@code now - delta * beta
 *       * ln(random) >= expiry}, where {@code delta} is how long the entry's last load took
 *       (recorded in the entry) and {@code random} is uniform in (0, 1]. The slower the load and
 *       the nearer the expiry, the likelier a refresh; {@code beta} above 1 favours earlier
 *       refreshes ({@code refreshAhead=xfetch} for beta 1, {@code refreshAhead=xfetch:2}).
 * </ul>
 *
 * <p>Applies to entries with a TTL (never to {@link Cache#FOREVER} ones) and only to reads that
 * have a loader; {@code get} never refreshes. Set per cache ({@link
 * dev.cachekit.core.CacheBuilder#refreshAhead}) or per view ({@link
 * CacheView#withRefreshAhead}). Refreshes run on the cache's executor.
 */
public final class RefreshAhead {

    private static final RefreshAhead OFF = new RefreshAhead(Kind.OFF, 0);

    /** Which rule. */
    private enum Kind {
        OFF,
        FRACTION,
        XFETCH
    }

    private final Kind kind;
    private final double parameter;

    private RefreshAhead(Kind kind, double parameter) {
        this.kind = kind;
        this.parameter = parameter;
    }

    /**
     * No refresh-ahead: an entry is reloaded only after it expired, by the reader that misses.
     *
     * @return the rule
     */
    public static RefreshAhead off() {
        return OFF;
    }

    /**
     * Refresh once an entry has lived {@code fraction} of its TTL.
     *
     * @param fraction above 0 and below 1
     * @return the rule
     * @throws IllegalArgumentException if {@code fraction} is not strictly between 0 and 1
     */
    public static RefreshAhead at(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "refreshAhead takes a fraction of the TTL strictly between 0 and 1 (0.8: after 80%), was "
                            + fraction);
        }
        return new RefreshAhead(Kind.FRACTION, fraction);
    }

    /**
     * The XFetch rule with the given {@code beta}.
     *
     * @param beta above 0 and at most 100; 1 is the paper's default
     * @return the rule
     * @throws IllegalArgumentException if {@code beta} is out of that range
     */
    public static RefreshAhead xfetch(double beta) {
        if (!(beta > 0 && beta <= 100)) {
            throw new IllegalArgumentException("refreshAhead=xfetch takes a beta above 0 and at most 100, was " + beta);
        }
        return new RefreshAhead(Kind.XFETCH, beta);
    }

    /**
     * Parses the URI form: {@code off}, a fraction such as {@code 0.8}, a percentage such as
     * {@code 80%}, {@code xfetch} or {@code xfetch:<beta>}.
     *
     * @param text the option's value
     * @return the rule
     * @throws IllegalArgumentException if the text is none of those forms
     */
    public static RefreshAhead parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals("off")) {
            return OFF;
        }
        try {
            if (text.equals("xfetch")) {
                return xfetch(1);
            }
            if (text.startsWith("xfetch:")) {
                return xfetch(Double.parseDouble(text.substring("xfetch:".length())));
            }
            if (text.endsWith("%")) {
                return at(Double.parseDouble(text.substring(0, text.length() - 1)) / 100);
            }
            return at(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("refreshAhead takes off, a fraction (0.8), a percentage (80%), xfetch"
                    + " or xfetch:<beta>, was '" + text + "'");
        }
    }

    /**
     * Whether a read now refreshes an entry. Used by the cache; public for custom read paths.
     *
     * @param writtenAtMillis when the entry was written
     * @param expiresAtMillis when it expires ({@code 0}: never, and then never refreshed)
     * @param loadMillis how long its last load took ({@code 0} if unknown)
     * @param nowMillis now
     * @param random uniform in (0, 1], for the XFetch rule
     * @return whether to start a refresh
     */
    public boolean due(long writtenAtMillis, long expiresAtMillis, long loadMillis, long nowMillis, double random) {
        if (kind == Kind.OFF || expiresAtMillis == 0 || nowMillis >= expiresAtMillis) {
            return false;
        }
        if (kind == Kind.FRACTION) {
            long ttl = expiresAtMillis - writtenAtMillis;
            return nowMillis - writtenAtMillis >= (long) Math.ceil(ttl * parameter);
        }
        return nowMillis - loadMillis * parameter * Math.log(random) >= expiresAtMillis;
    }

    /**
     * Whether this rule ever refreshes.
     *
     * @return {@code false} for {@link #off()}
     */
    public boolean isOn() {
        return kind != Kind.OFF;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RefreshAhead that
                && kind == that.kind
                && Double.compare(parameter, that.parameter) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, parameter);
    }

    /** The URI form: {@code off}, {@code 0.8} or {@code xfetch:1.0}. */
    @Override
    public String toString() {
        return switch (kind) {
            case OFF -> "off";
            case FRACTION -> Double.toString(parameter);
            case XFETCH -> "xfetch:" + parameter;
        };
    }
}
