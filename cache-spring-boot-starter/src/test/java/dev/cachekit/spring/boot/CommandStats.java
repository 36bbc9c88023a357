package dev.cachekit.spring.boot;

import dev.cachekit.tck.ServerProcess;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * Counts the commands a Redis server executed, from {@code INFO commandstats}: take a snapshot, do
 * the work, and {@link #since} gives the commands run in between (minus the snapshots' own {@code
 * INFO}). The same idea as cache-redis's test helper of that name.
 */
final class CommandStats implements AutoCloseable {

    // Kept open: a new connection would add its own handshake commands to the counts.
    private final Jedis connection;
    private Map<String, Long> before;

    CommandStats(ServerProcess server) {
        this.connection = new Jedis("127.0.0.1", server.port());
        this.before = counts();
    }

    /** The commands executed since the last snapshot, by lower-case name; takes a new snapshot. */
    Map<String, Long> since() {
        Map<String, Long> after = counts();
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((command, calls) -> {
            long run = calls - before.getOrDefault(command, 0L);
            if (command.equals("info")) {
                run -= 1;
            }
            if (run != 0) {
                delta.put(command, run);
            }
        });
        before = counts();
        return delta;
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : connection.info("commandstats").split("\r?\n")) {
            // cmdstat_mget:calls=1,usec=3,usec_per_call=3.00,...
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String command = line.substring("cmdstat_".length(), line.indexOf(':'));
            int start = line.indexOf("calls=") + "calls=".length();
            counts.put(command, Long.parseLong(line.substring(start, line.indexOf(',', start))));
        }
        return counts;
    }

    @Override
    public void close() {
        connection.close();
    }
}
