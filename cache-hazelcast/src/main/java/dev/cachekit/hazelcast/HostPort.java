package dev.cachekit.hazelcast;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.internal.Printable;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code host:port} from a cache URI: a client's cluster address or an embedded member's peer.
 *
 * @param host the host name or IP address (IPv6 in brackets)
 * @param port the port
 */
record HostPort(String host, int port) {

    /** Hazelcast's default member port. */
    static final int DEFAULT_PORT = 5701;

    /**
     * Parses a comma-separated list such as {@code 10.0.0.1:5701,10.0.0.2}.
     *
     * @param list the list
     * @param what what the list is, for messages ({@code "members option"})
     * @param uri the URI, for messages
     * @return the addresses, each with {@link #DEFAULT_PORT} where none is given
     * @throws CacheConfigurationException naming the bad entry
     */
    static List<HostPort> parseList(String list, String what, String uri) {
        List<HostPort> addresses = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            // Not trimmed: a space, tab or line break is no part of an address.
            String item = part;
            if (item.isEmpty()) {
                throw new CacheConfigurationException("empty address in the " + what + " " + Printable.quote(list)
                        + " of " + uri + "; write host:port,host:port");
            }
            addresses.add(parse(item, what, uri));
        }
        return addresses;
    }

    private static HostPort parse(String item, String what, String uri) {
        String host;
        String portText = null;
        if (item.startsWith("[")) {
            int close = item.indexOf(']');
            if (close < 0) {
                throw bad(item, what, uri, "an IPv6 address without its closing ']'");
            }
            host = item.substring(0, close + 1);
            String rest = item.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(item, what, uri, "something other than :port after the address");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = item.lastIndexOf(':');
            if (colon >= 0 && item.indexOf(':') != colon) {
                throw bad(item, what, uri, "an IPv6 address not in brackets; write [::1]:5701");
            }
            host = colon < 0 ? item : item.substring(0, colon);
            portText = colon < 0 ? null : item.substring(colon + 1);
        }
        if (host.isEmpty() || host.equals("[]") || !host.chars().allMatch(HostPort::isHostChar)) {
            throw bad(item, what, uri, "no valid host name");
        }
        if (portText == null) {
            return new HostPort(host, DEFAULT_PORT);
        }
        int port;
        try {
            port = dev.cachekit.spi.UriOptions.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535) {
            throw bad(item, what, uri, "no valid port; write host:port with a port from 1 to 65535");
        }
        return new HostPort(host, port);
    }

    private static boolean isHostChar(int c) {
        return Character.isLetterOrDigit(c)
                || c == '.'
                || c == '-'
                || c == '_'
                || c == ':'
                || c == '['
                || c == ']'
                || c == '%';
    }

    private static CacheConfigurationException bad(String item, String what, String uri, String problem) {
        return new CacheConfigurationException(
                Printable.quote(item) + " in the " + what + " of " + uri + " has " + problem);
    }

    /**
     * Whether the host is this machine's loopback address.
     *
     * @return {@code true} for {@code 127.0.0.1}, {@code localhost} and {@code [::1]}
     */
    boolean isLoopback() {
        return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("[::1]");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
