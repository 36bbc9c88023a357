package dev.cachekit.redis;

import dev.cachekit.tck.ServerProcess;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * Counts the commands servers executed, from {@code INFO commandstats}: take a snapshot, do the
 * work, and {@link #since} gives the commands run in between (minus the snapshots' own {@code
 * INFO}).
 */
final class CommandStats implements AutoCloseable {

    // Kept open: a new connection would add its own handshake commands to the counts.
    private final List<Jedis> connections;
    private Map<String, Long> before;

    private CommandStats(List<ServerProcess> servers) {
        this.connections = servers.stream()
                .map(server -> new Jedis("127.0.0.1", server.port()))
                .toList();
        this.before = counts();
    }

    /**
     * Takes the first snapshot.
     *
     * @param servers the servers to count on (each master, for a cluster), summed
     * @return the counter
     */
    static CommandStats snapshot(List<ServerProcess> servers) {
        return new CommandStats(servers);
    }

    /**
     * The commands executed since the last snapshot, by lower-case name, and takes a new snapshot.
     *
     * @return command name to number of calls; commands not run are absent
     */
    Map<String, Long> since() {
        Map<String, Long> after = counts();
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((command, calls) -> {
            long run = calls - before.getOrDefault(command, 0L);
            if (command.equals("info")) {
                run -= connections.size();
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
        for (Jedis jedis : connections) {
            {
                for (String line : jedis.info("commandstats").split("\r?\n")) {
                    // cmdstat_mget:calls=1,usec=3,usec_per_call=3.00,...
                    if (!line.startsWith("cmdstat_")) {
                        continue;
                    }
                    String command = line.substring("cmdstat_".length(), line.indexOf(':'));
                    int start = line.indexOf("calls=") + "calls=".length();
                    long calls = Long.parseLong(line.substring(start, line.indexOf(',', start)));
                    counts.merge(command, calls, Long::sum);
                }
            }
        }
        return counts;
    }

    @Override
    public void close() {
        connections.forEach(Jedis::close);
    }
}
