package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
import dev.cachekit.redis.ClusterNodes.Node;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.tck.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A cluster that changes under load: slots migrating between masters, masters failing over to
 * their replicas, while {@link ClusterLoad}'s eight threads on two caches read, write, flush tags
 * and take locks; then its checks (no error but the documented retryable ones, no acknowledged
 * write lost, no flushed entry back, no lock with two holders).
 */
class RedisClusterReshardTest {

    private static List<ServerProcess> nodes;
    private static int failoversAskedAgain;

    @BeforeAll
    static void startCluster() {
        // A cluster of its own, with a replica per master: these tests move its slots and masters.
        nodes = RedisServers.startCluster(1);
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(ServerProcess::close);
    }

    @Test
    @DisplayName("while every slot the load uses migrates across the three masters three times"
            + " (SETSLOT IMPORTING/MIGRATING, MIGRATE key by key, SETSLOT NODE), nothing is lost, revived or"
            + " held twice")
    void reshardUnderLoad() throws Exception {
        // A prefix of each test's own: the other test's entries stay in the cluster.
        String prefix = "reshard:";
        List<Integer> slots = ClusterLoad.storeKeys(prefix).stream()
                .map(JedisClusterCRC16::getSlot)
                .distinct()
                .sorted()
                .toList();
        try (Cache first = Caches.open(uri(prefix));
                Cache second = Caches.open(uri(prefix));
                CommandStats stats = CommandStats.snapshot(nodes)) {
            ClusterLoad load = new ClusterLoad(first, second);
            String report = load.runWhile(() -> {
                for (int round = 0; round < 3; round++) {
                    List<Node> masters = masters();
                    for (int slot : slots) {
                        Node from = ownerOf(slot, masters);
                        Node to = masters.get((masters.indexOf(from) + 1) % masters.size());
                        moveSlot(slot, from, to, masters);
                    }
                }
            });
            long asking = stats.since().getOrDefault("asking", 0L);
            System.out.println("reshard of " + slots.size() + " slots x 3: " + report + "; ASKING sent " + asking);
            load.assertOutcomes();
            // The load did meet slots mid-migration, where a key had already left: it followed ASK.
            assertThat(asking).as("ASKING commands the nodes received").isPositive();
        }
        RedisServers.awaitClusterOk(nodes);
    }

    @Test
    @DisplayName("a tagged read, a tagged put and a flush whose keys have left a slot still migrating follow ASK,"
            + " and once the slots are moved, MOVED")
    void pipelineFollowsAskThenMoved() {
        String prefix = "ask:";
        KeyLayout layout = KeyLayout.of(prefix);
        String entry = layout.entry("user:42");
        String tag = layout.tag("users");
        try (Cache cache = Caches.open(uri(prefix));
                CommandStats stats = CommandStats.snapshot(nodes)) {
            TaggedCache users = cache.tags("users", "admins");
            users.put("user:42", "Ada");
            List<Node> masters = masters();
            // The entry and one tag leave their slots, which stay migrating: their old owners answer ASK.
            List<int[]> moving = new ArrayList<>();
            for (String key : List.of(entry, tag)) {
                int slot = JedisClusterCRC16.getSlot(key);
                Node from = ownerOf(slot, masters);
                Node to = masters.get((masters.indexOf(from) + 1) % masters.size());
                try (Jedis source = from.connect();
                        Jedis target = to.connect()) {
                    target.clusterSetSlotImporting(slot, from.id());
                    source.clusterSetSlotMigrating(slot, to.id());
                    assertThat(source.migrate("127.0.0.1", to.port(), 0, 5_000, new MigrateParams(), key))
                            .isEqualTo("OK");
                }
                moving.add(new int[] {slot, masters.indexOf(from), masters.indexOf(to)});
            }
            stats.since();

            assertThat(users.get("user:42", String.class).value()).isEqualTo("Ada");
            users.put("user:42", "Grace");
            assertThat(users.get("user:42", String.class).value()).isEqualTo("Grace");
            cache.tags("users").flush();
            assertThat(users.get("user:42", String.class).isMiss()).isTrue();
            assertThat(stats.since().getOrDefault("asking", 0L))
                    .as("ASKING sent to the importing nodes")
                    .isPositive();

            for (int[] move : moving) {
                Node to = masters.get(move[2]);
                for (Node master : masters) {
                    try (Jedis jedis = master.connect()) {
                        jedis.clusterSetSlotNode(move[0], to.id());
                    }
                }
            }
            // The client's slot map still names the old owners, which now answer MOVED.
            users.put("user:42", "Linus");
            assertThat(users.get("user:42", String.class).value()).isEqualTo("Linus");
            cache.tags("users").flush();
            assertThat(users.get("user:42", String.class).isMiss()).isTrue();
        }
        RedisServers.awaitClusterOk(nodes);
    }

    @Test
    @DisplayName("while each master in turn fails over to its replica and back (CLUSTER FAILOVER on the replica,"
            + " six times, 1,000 operations apart), nothing is lost, revived or held twice, and fencing tokens keep"
            + " growing")
    void failoverUnderLoad() throws Exception {
        try (Cache first = Caches.open(uri("failover:"));
                Cache second = Caches.open(uri("failover:"))) {
            ClusterLoad load = new ClusterLoad(first, second);
            List<String> promoted = new ArrayList<>();
            String report = load.runWhile(() -> {
                // Each master in turn, then each once more: every shard back to its first master.
                for (int round = 0; round < 2; round++) {
                    for (Node master : masters()) {
                        load.awaitOperations(1_000);
                        Node replica = replicaOf(master);
                        failOver(master, replica);
                        promoted.add(replica.address() + " (was " + master.address() + ")");
                    }
                }
                load.awaitOperations(1_000);
            });
            System.out.println("failover of " + promoted + " (" + failoversAskedAgain + " asked again): " + report);
            load.assertOutcomes();
            assertThat(promoted).hasSize(6);
        }
    }

    private static String uri(String prefix) {
        String seeds = nodes.stream().map(ServerProcess::address).collect(Collectors.joining(","));
        return "redis-cluster://" + seeds + "?prefix=" + prefix + "&socketTimeout=5s";
    }

    /**
     * Moves one slot the way {@code redis-cli --cluster reshard} does, slowly enough that the load
     * meets it mid-way: the slot is importing on {@code to} and migrating on {@code from} for a while
     * before any key leaves, then its keys leave one at a time.
     */
    private static void moveSlot(int slot, Node from, Node to, List<Node> masters) {
        try (Jedis source = from.connect();
                Jedis target = to.connect()) {
            target.clusterSetSlotImporting(slot, from.id());
            source.clusterSetSlotMigrating(slot, to.id());
            pause(5);
            while (true) {
                List<String> keys = source.clusterGetKeysInSlot(slot, 100);
                if (keys.isEmpty()) {
                    break;
                }
                for (String key : keys) {
                    String reply = source.migrate("127.0.0.1", to.port(), 0, 5_000, new MigrateParams(), key);
                    assertThat(reply)
                            .as("MIGRATE " + key + " to " + to.address())
                            .isIn("OK", "NOKEY");
                    pause(2);
                }
            }
            target.clusterSetSlotNode(slot, to.id());
            source.clusterSetSlotNode(slot, to.id());
            for (Node other : masters) {
                if (!other.equals(from) && !other.equals(to)) {
                    try (Jedis jedis = other.connect()) {
                        jedis.clusterSetSlotNode(slot, to.id());
                    }
                }
            }
        }
    }

    /**
     * Asks the replica for a manual failover and waits until it is master, the old master its
     * replica in sync, and every node sees the cluster ok.
     */
    private static void failOver(Node master, Node replica) {
        try (Jedis promoted = replica.connect();
                Jedis demoted = master.connect()) {
            assertThat(promoted.clusterFailover()).isEqualTo("OK");
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(75);
            // A replica whose election got no majority waits four node timeouts (20 s here) before
            // it may stand again ("Failover attempt expired" until then).
            long askAgainAt = started + TimeUnit.SECONDS.toNanos(21);
            while (!promoted.info("replication").contains("role:master")
                    || !demoted.info("replication").contains("master_link_status:up")) {
                if (System.nanoTime() > askAgainAt
                        && !promoted.info("replication").contains("role:master")) {
                    // A manual failover that did not complete in time is abandoned by the replica
                    // (Redis logs "Manual failover timed out"): ask once more.
                    String votes = nodes.stream()
                            .flatMap(n -> RedisServers.logTail(n).lines().filter(l -> l.contains("Failover auth")))
                            .collect(Collectors.joining("\n"));
                    System.out.println("asking " + replica.address() + " again to take over; the votes:\n" + votes);
                    assertThat(promoted.clusterFailover()).isEqualTo("OK");
                    failoversAskedAgain++;
                    askAgainAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(21);
                }
                assertThat(System.nanoTime())
                        .as(replica.address() + " took over from " + master.address() + "; the replica: "
                                + promoted.info("replication") + promoted.clusterNodes() + "; the master: "
                                + demoted.info("replication") + "; the replica's log:\n"
                                + RedisServers.logTail(server(replica)))
                        .isLessThan(deadline);
                pause(20);
            }
        }
        RedisServers.awaitClusterOk(nodes);
        awaitEveryNodeSees(replica, master);
    }

    /** Until every node's table names the new master and the old one its replica. */
    private static void awaitEveryNodeSees(Node promoted, Node demoted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ServerProcess server : nodes) {
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                while (true) {
                    String table = jedis.clusterNodes();
                    if (roleIn(table, promoted).equals("master")
                            && roleIn(table, demoted).equals("slave")) {
                        break;
                    }
                    assertThat(System.nanoTime())
                            .as(server.address() + " learnt of the failover to " + promoted.address() + ":\n" + table)
                            .isLessThan(deadline);
                    pause(20);
                }
            }
        }
    }

    private static String roleIn(String table, Node node) {
        return table.lines()
                .filter(line -> line.startsWith(node.id() + " "))
                .map(line -> line.split(" ")[2].contains("master") ? "master" : "slave")
                .findFirst()
                .orElse("unknown");
    }

    private static ServerProcess server(Node node) {
        return nodes.stream().filter(n -> n.port() == node.port()).findFirst().orElseThrow();
    }

    private static List<Node> masters() {
        return topology().values().stream().filter(Node::master).toList();
    }

    private static Node replicaOf(Node master) {
        return topology().values().stream()
                .filter(node -> master.id().equals(node.masterId()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(master.address() + " has no replica"));
    }

    private static Map<String, Node> topology() {
        return ClusterNodes.read(nodes);
    }

    private static Node ownerOf(int slot, List<Node> masters) {
        Map<String, Node> now = topology();
        return masters.stream()
                .filter(master -> now.get(master.id()).slots().contains(slot))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while moving the cluster", e);
        }
    }
}
