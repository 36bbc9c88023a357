package dev.cachekit.hazelcast;

import dev.cachekit.CacheConfigurationException;
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
        for (String part : list.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                throw new CacheConfigurationException(
                        "empty address in the " + what + " '" + list + "' of " + uri + "; write host:port,host:port");
            }
            addresses.add(parse(item, what, uri));
        }
        return addresses;
    }

    private static HostPort parse(String item, String what, String uri) {
        int hostEnd = item.startsWith("[") ? item.indexOf(']') + 1 : item.lastIndexOf(':');
        if (hostEnd <= 0 || hostEnd == item.length()) {
            return new HostPort(item, DEFAULT_PORT);
        }
        String host = item.substring(0, hostEnd);
        String portText = item.substring(hostEnd).startsWith(":") ? item.substring(hostEnd + 1) : "";
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535) {
            throw new CacheConfigurationException("'" + item + "' in the " + what + " of " + uri
                    + " has no valid port; write host:port with a port from 1 to 65535");
        }
        return new HostPort(host, port);
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
