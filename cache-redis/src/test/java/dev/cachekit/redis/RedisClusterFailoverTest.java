package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * A master of a three-master cluster with a replica each fails over to its replica ({@code
 * CLUSTER FAILOVER}) while 8 threads on 2 caches write, read, flush tags and take locks ({@link
 * ClusterTraffic}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedisClusterFailoverTest {

    @Test
    @DisplayName(
            "a master failed over to its replica (CLUSTER FAILOVER) under the same traffic keeps the same promises")
    void trafficDuringFailover() throws Exception {
        List<ServerProcess> nodes = RedisServers.startCluster(1);
        try (Cache first = Caches.open(RedisClusterReshardTest.uri(nodes));
                Cache second = Caches.open(RedisClusterReshardTest.uri(nodes))) {
            ClusterTraffic traffic = new ClusterTraffic(List.of(first, second));
            ServerProcess replica = nodes.stream()
                    .filter(node -> role(node).equals("slave"))
                    .findFirst()
                    .orElseThrow();
            ServerProcess oldMaster = masterOf(nodes, replica);
            Thread.sleep(300); // traffic on the old topology first
            awaitLinkUp(replica);
            // A manual failover gives up after 5 s if the master does not pause in time; try again then.
            int attempts = 0;
            for (; attempts < 3 && !role(replica).equals("master"); attempts++) {
                try (Jedis jedis = new Jedis("127.0.0.1", replica.port())) {
                    assertThat(jedis.clusterFailover()).isEqualTo("OK");
                }
                awaitRole(replica, "master", 10);
            }
            assertThat(role(replica)).as(replica + " after CLUSTER FAILOVER").isEqualTo("master");
            assertThat(awaitRole(oldMaster, "slave", 30))
                    .as(oldMaster + " became a replica")
                    .isTrue();
            Thread.sleep(300); // and on the new one
            traffic.stopAndCheck(first);
            System.out.printf(
                    "cluster failover: %d CLUSTER FAILOVER attempts, %d full rounds, %d StoreExceptions%n",
                    attempts, traffic.operations.get(), traffic.retryable.get());
        } finally {
            nodes.forEach(ServerProcess::close);
        }
    }

    private static String role(ServerProcess node) {
        try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
            return jedis.role().get(0).toString();
        }
    }

    private static ServerProcess masterOf(List<ServerProcess> nodes, ServerProcess replica) {
        try (Jedis jedis = new Jedis("127.0.0.1", replica.port())) {
            int port = Integer.parseInt(jedis.configGet("port").get("port"));
            String info = jedis.info("replication");
            int masterPort = Integer.parseInt(info.lines()
                    .filter(line -> line.startsWith("master_port:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("master_port:".length())
                    .trim());
            assertThat(port).isEqualTo(replica.port());
            return nodes.stream()
                    .filter(n -> n.port() == masterPort)
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static boolean awaitRole(ServerProcess node, String role, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!role(node).equals(role)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static void awaitLinkUp(ServerProcess replica) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Jedis jedis = new Jedis("127.0.0.1", replica.port())) {
                if (jedis.info("replication").contains("master_link_status:up")) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(replica + " did not sync with its master within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
