package dev.cachekit.redis;

import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * One master, one replica and three sentinels ({@code redis-server --sentinel}, quorum 2) on
 * loopback, every sentinel configured to call the master down after {@value #DOWN_AFTER_MILLIS} ms
 * without an answer.
 */
final class RedisSentinelGroup implements AutoCloseable {

    static final String MASTER_NAME = "cachekit-master";
    static final int DOWN_AFTER_MILLIS = 1000;

    private static RedisSentinelGroup shared;

    private final ServerProcess master;
    private final ServerProcess replica;
    private final List<ServerProcess> sentinels = new ArrayList<>();

    private RedisSentinelGroup(String... serverArguments) {
        master = ServerProcess.redis(serverArguments);
        replica =
                ServerProcess.redis(concat(serverArguments, "--replicaof", "127.0.0.1", String.valueOf(master.port())));
        Path dir;
        try {
            dir = Files.createTempDirectory("cachekit-redis-sentinel-");
            dir.toFile().deleteOnExit();
            for (int i = 0; i < 3; i++) {
                int port = ServerProcess.freePort();
                Path config = dir.resolve("sentinel-" + i + ".conf");
                // A sentinel rewrites its configuration file, so each has one of its own.
                Files.writeString(
                        config,
                        String.join(
                                "\n",
                                "port " + port,
                                "bind 127.0.0.1",
                                "dir " + dir,
                                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
                                "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                                "sentinel failover-timeout " + MASTER_NAME + " 10000",
                                "sentinel parallel-syncs " + MASTER_NAME + " 1",
                                ""));
                config.toFile().deleteOnExit();
                sentinels.add(ServerProcess.start(
                        "redis-sentinel",
                        List.of(
                                ServerProcess.requireBinary("redis-server", "redis-server")
                                        .toString(),
                                config.toString(),
                                "--sentinel"),
                        port));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("could not write the sentinels' configuration", e);
        }
        awaitReady();
    }

    /**
     * The group shared by the tests that do not kill its master, started on first use.
     *
     * @return the running group
     */
    static synchronized RedisSentinelGroup shared() {
        if (shared == null) {
            shared = new RedisSentinelGroup();
        }
        return shared;
    }

    /**
     * A group of its own, for a test that fails its master over.
     *
     * @param serverArguments further arguments for master and replica
     * @return the running group
     */
    static RedisSentinelGroup start(String... serverArguments) {
        return new RedisSentinelGroup(serverArguments);
    }

    /** {@code redis-sentinel://s1,s2,s3/cachekit-master}, before any options. */
    String uri() {
        return "redis-sentinel://"
                + sentinels.stream().map(ServerProcess::address).collect(Collectors.joining(",")) + "/"
                + MASTER_NAME;
    }

    ServerProcess master() {
        return master;
    }

    ServerProcess replica() {
        return replica;
    }

    /**
     * The master the sentinels name now.
     *
     * @return its address
     */
    HostAndPort currentMaster() {
        try (Jedis sentinel = new Jedis("127.0.0.1", sentinels.get(0).port())) {
            List<String> address = sentinel.sentinelGetMasterAddrByName(MASTER_NAME);
            return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        }
    }

    /**
     * Waits until the replica is in sync and every sentinel knows the replica and the two other
     * sentinels: only then can they agree on a failover.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            try (Jedis replicaClient = new Jedis("127.0.0.1", replica.port())) {
                String replication = replicaClient.info("replication");
                boolean synced = replication.contains("master_link_status:up");
                boolean known = true;
                StringBuilder state = new StringBuilder(replication);
                for (ServerProcess sentinel : sentinels) {
                    try (Jedis s = new Jedis("127.0.0.1", sentinel.port())) {
                        int replicas = s.sentinelReplicas(MASTER_NAME).size();
                        int others = s.sentinelSentinels(MASTER_NAME).size();
                        state.append("\n")
                                .append(sentinel)
                                .append(": replicas=")
                                .append(replicas)
                                .append(" sentinels=")
                                .append(others);
                        known &= replicas == 1 && others == 2;
                    }
                }
                if (synced && known) {
                    return;
                }
                last = state.toString();
            } catch (RuntimeException e) {
                last = e.toString();
            }
            sleep(100);
        }
        throw new IllegalStateException("the sentinel group did not become ready:\n" + last);
    }

    @Override
    public void close() {
        sentinels.forEach(ServerProcess::close);
        if (replica != null) {
            replica.close();
        }
        if (master != null) {
            master.close();
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
