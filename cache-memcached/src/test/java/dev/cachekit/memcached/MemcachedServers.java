package dev.cachekit.memcached;

import dev.cachekit.tck.ServerProcess;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The real memcached servers the tests run against, started on free loopback ports: one server,
 * and a pair for the Ketama runs, each started once per JVM on first use and killed when the JVM
 * exits; plus servers of their own for tests that kill them.
 */
final class MemcachedServers {

    /** The item size limit the test servers run with ({@code -I 1m}). */
    static final int ITEM_SIZE = 1024 * 1024;

    private static ServerProcess single;
    private static List<ServerProcess> pair;

    private MemcachedServers() {}

    /**
     * The shared single server.
     *
     * @return the running server
     */
    static synchronized ServerProcess single() {
        if (single == null) {
            single = start();
        }
        return single;
    }

    /**
     * The shared pair of servers, for the two-server (Ketama) runs.
     *
     * @return the two running servers
     */
    static synchronized List<ServerProcess> pair() {
        if (pair == null) {
            pair = List.of(start(), start());
        }
        return pair;
    }

    /**
     * Starts a server of its own for one test class, which may kill and restart it.
     *
     * @return the running server
     */
    static ServerProcess start() {
        return start(Map.of());
    }

    /**
     * Starts a server of its own with extra environment variables and arguments.
     *
     * @param environment variables to set for the server ({@code SASL_CONF_PATH})
     * @param extraArguments further {@code memcached} arguments ({@code -S})
     * @return the running server
     */
    static ServerProcess start(Map<String, String> environment, String... extraArguments) {
        return ServerProcess.memcached(environment, extraArguments);
    }

    /**
     * The URI of some servers, with extra query options.
     *
     * @param servers the servers
     * @param options the query, without {@code ?}, or empty
     * @return {@code memcached://127.0.0.1:p1,127.0.0.1:p2?options}
     */
    static String uri(List<ServerProcess> servers, String options) {
        String hosts = servers.stream().map(ServerProcess::address).collect(Collectors.joining(","));
        return "memcached://" + hosts + (options.isEmpty() ? "" : "?" + options);
    }
}
