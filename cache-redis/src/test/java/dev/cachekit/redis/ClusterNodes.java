package dev.cachekit.redis;

import dev.cachekit.tck.ServerProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;

/** The roles and slots of a test cluster's nodes, each read from the node's own {@code CLUSTER NODES}. */
final class ClusterNodes {

    private ClusterNodes() {}

    /**
     * A cluster node as it sees itself.
     *
     * @param id its node id
     * @param port its loopback port
     * @param master whether it is a master
     * @param masterId its master's id, for a replica; else null
     * @param slots the slots it serves, without those it is importing or migrating
     */
    record Node(String id, int port, boolean master, String masterId, TreeSet<Integer> slots) {

        String address() {
            return "127.0.0.1:" + port;
        }

        Jedis connect() {
            return new Jedis("127.0.0.1", port, 10_000);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node other && other.id.equals(id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    /**
     * Each node's own view of itself, so a role that just changed is never read from a stale peer.
     *
     * @param servers the cluster's nodes
     * @return node id to node, in the order of {@code servers}
     */
    static Map<String, Node> read(List<ServerProcess> servers) {
        Map<String, Node> byId = new LinkedHashMap<>();
        for (ServerProcess server : servers) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                for (String line : jedis.clusterNodes().split("\n")) {
                    String[] fields = line.trim().split(" ");
                    if (!fields[2].contains("myself")) {
                        continue;
                    }
                    boolean master = fields[2].contains("master");
                    TreeSet<Integer> slots = new TreeSet<>();
                    for (int i = 8; i < fields.length; i++) {
                        if (fields[i].startsWith("[")) {
                            continue; // a slot being imported or migrated: [slot->-id] or [slot-<-id]
                        }
                        String[] range = fields[i].split("-");
                        int low = Integer.parseInt(range[0]);
                        int high = range.length > 1 ? Integer.parseInt(range[1]) : low;
                        for (int slot = low; slot <= high; slot++) {
                            slots.add(slot);
                        }
                    }
                    byId.put(fields[0], new Node(fields[0], server.port(), master, master ? null : fields[3], slots));
                }
            }
        }
        return byId;
    }
}
