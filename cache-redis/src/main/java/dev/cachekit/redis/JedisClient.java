package dev.cachekit.redis;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.Pool;

/**
 * A Jedis client and what the store needs of it beyond its commands (is it a cluster, a pipeline,
 * re-reading the slot map, dropping idle connections), the same on Jedis 7 and Jedis 8.
 *
 * <p>Clients the provider builds are a {@link UnifiedJedis} over one of Jedis' connection
 * providers, or a {@link JedisCluster}: classes both lines have ({@code RedisClient} and {@code
 * RedisClusterClient} are Jedis 8 only, {@code JedisPooled} and {@code JedisSentineled} Jedis 7
 * only). What only Jedis 8 has (a cluster pipeline on the caller's executor, {@code
 * refreshClusterTopology}) is called after a check, never linked on Jedis 7.
 */
final class JedisClient {

    /** Jedis 8's {@code JedisCluster.pipelined(ExecutorService)}; Jedis 7 starts threads per sync. */
    private static final boolean CLUSTER_PIPELINE_ON_EXECUTOR =
            hasMethod(JedisCluster.class, "pipelined", ExecutorService.class);

    private static final boolean CLUSTER_REFRESH = hasMethod(JedisCluster.class, "refreshClusterTopology");

    /** {@code Connection.getHostAndPort()}: public on Jedis 8, package-private on Jedis 7. */
    private static final Method CONNECTION_ADDRESS = publicMethod(Connection.class, "getHostAndPort");

    /**
     * Jedis 8's {@code autoNegotiateProtocol(boolean)}: without {@code false}, Jedis 8 warns on
     * every connection of a client that is not a {@code RedisClient} that it will speak RESP2,
     * which is what this module speaks on both lines.
     */
    private static final Method AUTO_NEGOTIATE =
            publicMethod(DefaultJedisClientConfig.Builder.class, "autoNegotiateProtocol", boolean.class);

    private static final String REDIS_CLUSTER_CLIENT = "redis.clients.jedis.RedisClusterClient";

    private final UnifiedJedis commands;
    private final ConnectionProvider provider; // null for a client the application built
    private final Kind kind;

    private enum Kind {
        STANDALONE,
        JEDIS_CLUSTER,
        REDIS_CLUSTER_CLIENT
    }

    private JedisClient(UnifiedJedis commands, ConnectionProvider provider, Kind kind) {
        this.commands = commands;
        this.provider = provider;
        this.kind = kind;
    }

    /**
     * A client configuration builder that speaks RESP2 on both lines, without Jedis 8's warning.
     *
     * @return the builder
     */
    static DefaultJedisClientConfig.Builder configBuilder() {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder();
        if (AUTO_NEGOTIATE != null) {
            try {
                AUTO_NEGOTIATE.invoke(builder, false);
            } catch (ReflectiveOperationException e) {
                // Only the warning stays.
            }
        }
        return builder;
    }

    /**
     * A pooled client of one server.
     *
     * @param node the server
     * @param config the connection settings
     * @param pool the pool settings
     * @return the client; nothing is connected yet
     */
    static JedisClient standalone(HostAndPort node, JedisClientConfig config, ConnectionPoolConfig pool) {
        PooledConnectionProvider provider = new PooledConnectionProvider(node, config, pool);
        return new JedisClient(new ProviderJedis(provider, node), provider, Kind.STANDALONE);
    }

    /**
     * A client of a Redis Cluster; reads the slot map from the first node that answers.
     *
     * @param nodes the seed nodes
     * @param config the connection settings
     * @param pool the pool settings, per node
     * @param maxAttempts attempts per command (redirections and connection failures)
     * @return the client
     * @throws JedisException if no node answers
     */
    static JedisClient cluster(
            Set<HostAndPort> nodes, JedisClientConfig config, ConnectionPoolConfig pool, int maxAttempts) {
        ClusterConnectionProvider provider = new ClusterConnectionProvider(nodes, config, pool);
        try {
            Duration retries = Duration.ofMillis((long) config.getSocketTimeoutMillis() * maxAttempts);
            return new JedisClient(new JedisCluster(provider, maxAttempts, retries), provider, Kind.JEDIS_CLUSTER);
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
    }

    /**
     * A pooled client of the master that the sentinels name, following a failover: Jedis' sentinel
     * listener moves the pool to the new master when the sentinels announce it.
     *
     * @param master the master's name in the sentinels' configuration
     * @param masterConfig the connection settings for the master
     * @param pool the pool settings
     * @param sentinels the sentinels
     * @param sentinelConfig the connection settings for the sentinels
     * @return the client
     * @throws JedisException if no sentinel answers or none knows the master
     */
    static JedisClient sentinel(
            String master,
            JedisClientConfig masterConfig,
            ConnectionPoolConfig pool,
            Set<HostAndPort> sentinels,
            JedisClientConfig sentinelConfig) {
        SentineledConnectionProvider provider =
                new SentineledConnectionProvider(master, masterConfig, pool, sentinels, sentinelConfig);
        return new JedisClient(new ProviderJedis(provider, null), provider, Kind.STANDALONE);
    }

    /**
     * A client the application built: a {@link JedisCluster} or a Jedis 8 {@code RedisClusterClient}
     * is a cluster, anything else a standalone server (or one behind sentinels).
     *
     * @param client the client
     * @return the wrapper
     */
    static JedisClient given(UnifiedJedis client) {
        Objects.requireNonNull(client, "client");
        Kind kind = client instanceof JedisCluster
                ? Kind.JEDIS_CLUSTER
                : isRedisClusterClient(client) ? Kind.REDIS_CLUSTER_CLIENT : Kind.STANDALONE;
        return new JedisClient(client, null, kind);
    }

    /** The client's commands. */
    UnifiedJedis commands() {
        return commands;
    }

    /** Whether the client speaks to a Redis Cluster (commands may touch one slot only). */
    boolean isCluster() {
        return kind != Kind.STANDALONE;
    }

    /**
     * A pipeline; on a cluster one per node holding the keys, on Jedis 8 synced on {@code nodes}.
     *
     * @param nodes the executor that serves a cluster's nodes in parallel
     * @return the pipeline
     */
    AbstractPipeline pipelined(ExecutorService nodes) {
        return switch (kind) {
            case STANDALONE -> commands.pipelined();
            case JEDIS_CLUSTER ->
                CLUSTER_PIPELINE_ON_EXECUTOR
                        ? ((JedisCluster) commands).pipelined(nodes)
                        : ((JedisCluster) commands).pipelined();
            case REDIS_CLUSTER_CLIENT -> Jedis8.pipelined(commands, nodes);
        };
    }

    /** Reads a cluster's slot map again (after a slot moved); does nothing for a standalone server. */
    void refreshTopology() {
        if (provider instanceof ClusterConnectionProvider cluster) {
            cluster.renewSlotCache();
        } else if (kind == Kind.REDIS_CLUSTER_CLIENT) {
            Jedis8.refresh(commands);
        } else if (kind == Kind.JEDIS_CLUSTER && CLUSTER_REFRESH) {
            ((JedisCluster) commands).refreshClusterTopology();
        }
        // A JedisCluster on Jedis 7 that the application built: its own commands re-read the slot
        // map on a redirection, which the pipeline's retry then follows.
    }

    /**
     * The cluster's node pools by {@code host:port}.
     *
     * @return the pools, empty for a standalone client
     */
    Map<String, ConnectionPool> clusterNodes() {
        return switch (kind) {
            case STANDALONE -> Map.of();
            case JEDIS_CLUSTER -> ((JedisCluster) commands).getClusterNodes();
            case REDIS_CLUSTER_CLIENT -> Jedis8.nodes(commands);
        };
    }

    /**
     * Closes the idle pooled connections, which died with a restarted server, so the next call
     * connects afresh instead of failing once per stale connection. Best effort.
     */
    void dropIdleConnections() {
        try {
            if (isCluster()) {
                clusterNodes().values().forEach(Pool::clear);
            } else if (provider instanceof PooledConnectionProvider pooled) {
                pooled.getPool().clear();
            } else if (provider == null) {
                Pool<?> pool = poolOf(commands);
                if (pool != null) {
                    pool.clear();
                }
            }
            // Behind sentinels, Jedis' listener replaces the whole pool when the master changes.
        } catch (RuntimeException ignored) {
            // A pool that cannot be cleared still discards each broken connection on use.
        }
    }

    /**
     * Names the servers of a client the application built: {@code redis 127.0.0.1:6379} or {@code
     * redis-cluster a:1,b:2}.
     *
     * @return the description
     * @throws JedisException if a standalone client cannot lend a connection to ask
     */
    String describe() {
        if (isCluster()) {
            return "redis-cluster "
                    + String.join(",", new TreeSet<>(clusterNodes().keySet()));
        }
        if (commands instanceof ProviderJedis own && own.node != null) {
            return "redis " + own.node;
        }
        Pool<?> pool = poolOf(commands);
        if (pool != null && CONNECTION_ADDRESS != null && pool.getResource() instanceof Connection connection) {
            try (connection) {
                return "redis " + CONNECTION_ADDRESS.invoke(connection);
            } catch (ReflectiveOperationException e) {
                // fall through to the class name
            }
        }
        return "redis (" + commands.getClass().getSimpleName() + ")";
    }

    /** The pool of a Jedis 8 {@code RedisClient} or a Jedis 7 {@code JedisPooled}: both have {@code getPool()}. */
    private static Pool<?> poolOf(UnifiedJedis client) {
        if (client instanceof ProviderJedis own) {
            return own.connections instanceof PooledConnectionProvider pooled ? pooled.getPool() : null;
        }
        try {
            Method getPool = client.getClass().getMethod("getPool");
            return getPool.invoke(client) instanceof Pool<?> pool ? pool : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isRedisClusterClient(UnifiedJedis client) {
        for (Class<?> type = client.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(REDIS_CLUSTER_CLIENT)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasMethod(Class<?> type, String name, Class<?>... parameters) {
        return publicMethod(type, name, parameters) != null;
    }

    private static Method publicMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** A {@link UnifiedJedis} over a connection provider, without retries (both lines have this constructor). */
    private static final class ProviderJedis extends UnifiedJedis {
        private final ConnectionProvider connections;
        private final HostAndPort node; // null behind sentinels, where the master changes

        ProviderJedis(ConnectionProvider provider, HostAndPort node) {
            super(provider, (RedisProtocol) null);
            this.connections = provider;
            this.node = node;
        }
    }

    /** Jedis 8's {@link RedisClusterClient}; loaded only when the application passed one. */
    private static final class Jedis8 {
        static AbstractPipeline pipelined(UnifiedJedis client, ExecutorService nodes) {
            return ((RedisClusterClient) client).pipelined(nodes);
        }

        static void refresh(UnifiedJedis client) {
            ((RedisClusterClient) client).refreshClusterTopology();
        }

        static Map<String, ConnectionPool> nodes(UnifiedJedis client) {
            return ((RedisClusterClient) client).getClusterNodes();
        }
    }
}
