package dev.cachekit.redis;

import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/**
 * The real Redis servers the tests run against, started on free loopback ports: one standalone
 * server and one three-master cluster, each started once per JVM on first use and killed when the
 * JVM exits, plus dedicated servers and clusters (with replicas, for failover) for tests that kill,
 * reshard or configure theirs.
 */
final class RedisServers {

    private static ServerProcess standalone;
    private static List<ServerProcess> cluster;
    private static final Map<Integer, Path> LOGS = new ConcurrentHashMap<>();

    private RedisServers() {}

    /**
     * The shared standalone server.
     *
     * @return the running server
     */
    static synchronized ServerProcess standalone() {
        if (standalone == null) {
            standalone = startStandalone();
        }
        return standalone;
    }

    /**
     * The shared three-master cluster, every slot assigned and every node agreeing the cluster is
     * ok.
     *
     * @return its three masters
     */
    static synchronized List<ServerProcess> cluster() {
        if (cluster == null) {
            cluster = startCluster();
        }
        return cluster;
    }

    /**
     * Starts a standalone server of its own for one test class.
     *
     * @param extraArguments further {@code redis-server} arguments ({@code --requirepass x})
     * @return the running server
     */
    static ServerProcess startStandalone(String... extraArguments) {
        return ServerProcess.redis(extraArguments);
    }

    /**
     * Sends {@code FLUSHALL} to each server.
     *
     * @param servers the servers (every master, for a cluster)
     */
    static void flushAll(List<ServerProcess> servers) {
        for (ServerProcess server : servers) {
            // Generous timeout: the TCK stores values of hundreds of MiB.
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), 30_000)) {
                jedis.flushAll();
            }
        }
    }

    /**
     * Starts a three-master cluster of its own for one test class, which may kill its nodes.
     *
     * @return its three masters
     */
    static List<ServerProcess> startCluster() {
        return startCluster(0);
    }

    /**
     * Starts a three-master cluster of its own with replicas, for a test that fails masters over.
     * Which node ends up a master is the cluster's choice: read the roles from {@code CLUSTER
     * NODES}.
     *
     * @param replicasPerMaster replicas of each master ({@code --cluster-replicas})
     * @return every node, masters and replicas, each a member of the cluster, every replica in sync
     */
    static List<ServerProcess> startCluster(int replicasPerMaster) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cachekit-redis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary directory for the cluster's node files", e);
        }
        dir.toFile().deleteOnExit();
        List<ServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 3 * (1 + replicasPerMaster); i++) {
            List<String> arguments = new ArrayList<>(List.of(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes-" + i + ".conf").toString(),
                    "--dir", dir.toString()));
            Path log = dir.resolve("node-" + i + ".log");
            if (replicasPerMaster > 0) {
                // A failover's election and its retries wait multiples of the node timeout (15 s
                // by default); its log says why a failover did not happen.
                arguments.addAll(List.of("--cluster-node-timeout", "5000", "--logfile", log.toString()));
            }
            ServerProcess node = ServerProcess.redis(arguments.toArray(String[]::new));
            if (replicasPerMaster > 0) {
                LOGS.put(node.port(), log);
            }
            nodes.add(node);
        }
        List<String> create = new ArrayList<>();
        create.add(ServerProcess.requireBinary("redis-cli", "redis-tools").toString());
        create.add("--cluster");
        create.add("create");
        nodes.forEach(m -> create.add(m.address()));
        create.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
        run(create);
        awaitClusterOk(nodes);
        return nodes;
    }

    /**
     * The end of a replicated cluster node's log, for a failure message.
     *
     * @param node a node started by {@link #startCluster(int)} with replicas
     * @return its last lines
     */
    static String logTail(ServerProcess node) {
        Path log = LOGS.get(node.port());
        if (log == null) {
            return "(no log kept)";
        }
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= 3000 ? text : text.substring(text.length() - 3000);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }

    /**
     * Waits until every node says the cluster is ok with every slot served and every node known,
     * and every replica's link to its master is up.
     *
     * @param nodes every node of the cluster
     * @throws IllegalStateException naming the nodes' states if that takes over 30 seconds
     */
    static void awaitClusterOk(List<ServerProcess> nodes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            List<String> states = new ArrayList<>();
            for (ServerProcess node : nodes) {
                try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                    states.add(jedis.clusterInfo() + jedis.info("replication"));
                }
            }
            if (states.stream()
                    .allMatch(info -> info.contains("cluster_state:ok")
                            && info.contains("cluster_slots_ok:16384")
                            && info.contains("cluster_known_nodes:" + nodes.size())
                            && (info.contains("role:master") || info.contains("master_link_status:up")))) {
                return;
            }
            last = states.stream().collect(Collectors.joining("\n---\n"));
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster", e);
            }
        }
        throw new IllegalStateException("the test cluster " + nodes + " did not reach cluster_state:ok:\n" + last);
    }
}
