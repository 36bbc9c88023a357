package dev.cachekit.redis;

import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/**
 * The real Redis servers the tests run against, started on free loopback ports: one standalone
 * server and one three-master cluster, each started once per JVM on first use and killed when the
 * JVM exits, plus dedicated servers for tests that kill or configure theirs.
 */
final class RedisServers {

    private static ServerProcess standalone;
    private static List<ServerProcess> cluster;

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
     * Starts a cluster of three masters with {@code replicasPerMaster} replicas each, for one test
     * class.
     *
     * @param replicasPerMaster replicas per master
     * @return every node, masters first (as {@code redis-cli --cluster create} assigns them)
     */
    static List<ServerProcess> startCluster(int replicasPerMaster) {
        Path dir;
        try {
            dir = Files.createTempDirectory("cachekit-redis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary directory for the cluster's node files", e);
        }
        dir.toFile().deleteOnExit();
        List<ServerProcess> masters = new ArrayList<>();
        for (int i = 0; i < 3 * (1 + replicasPerMaster); i++) {
            masters.add(ServerProcess.redis(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes-" + i + ".conf").toString(),
                    "--dir", dir.toString()));
        }
        List<String> create = new ArrayList<>();
        create.add(ServerProcess.requireBinary("redis-cli", "redis-tools").toString());
        create.add("--cluster");
        create.add("create");
        masters.forEach(m -> create.add(m.address()));
        create.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
        run(create);
        awaitClusterOk(masters);
        return masters;
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

    private static void awaitClusterOk(List<ServerProcess> masters) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            List<String> states = new ArrayList<>();
            for (ServerProcess master : masters) {
                try (Jedis jedis = new Jedis("127.0.0.1", master.port())) {
                    states.add(jedis.clusterInfo());
                }
            }
            if (states.stream()
                    .allMatch(info -> info.contains("cluster_state:ok")
                            && info.contains("cluster_slots_ok:16384")
                            && info.contains("cluster_known_nodes:" + masters.size()))) {
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
        throw new IllegalStateException("the test cluster " + masters + " did not reach cluster_state:ok:\n" + last);
    }
}
