package dev.cachekit.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.core.Caches;
import dev.cachekit.hazelcast.HazelcastBackends;
import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * One store under measurement: a server started for the run, a way to open caches on it (as a user
 * would, by URI or with the user's own client), and the raw client doing the same work for
 * comparison.
 */
abstract class BenchTarget implements AutoCloseable {

    /**
     * Starts the named store: {@code redis}, {@code memcached}, {@code hazelcast}, or {@code memory}
     * (no network at all, so what is left is the client's own CPU).
     */
    static BenchTarget start(String store) {
        return switch (store) {
            case "redis" -> new Redis();
            case "memcached" -> new Memcached();
            case "hazelcast" -> new HazelcastMember();
            case "memory" -> new Memory();
            default ->
                throw new IllegalArgumentException(
                        "unknown store '" + store + "'; use redis, memcached, hazelcast or memory");
        };
    }

    /** A new cache on the store, with its own connections: one "node". */
    final Cache openCache() {
        return openCache(CacheListener.NONE);
    }

    /** A new cache on the store, with its own connections, heard by {@code listener}. */
    abstract Cache openCache(CacheListener listener);

    abstract byte[] rawGet(String key);

    abstract List<byte[]> rawMultiGet(List<String> keys);

    abstract void rawSet(String key, byte[] value);

    @Override
    public abstract void close();

    /** Starts a Redis server, for benchmarks that need its raw client beyond get and multi-get. */
    static Redis startRedis() {
        return new Redis();
    }

    /**
     * Starts a Hazelcast member in this JVM, alone in a cluster of its own on loopback.
     *
     * @return the member; the caller shuts it down
     */
    static HazelcastInstance startMember() {
        Config config = new Config();
        config.setClusterName("cachekit-bench-" + ServerProcess.freePort());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig().setPort(ServerProcess.freePort()).setPortAutoIncrement(false);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        return Hazelcast.newHazelcastInstance(config);
    }

    static final class Redis extends BenchTarget {
        private final ServerProcess server;
        private final RedisClient raw;

        Redis() {
            server = ServerProcess.redis();
            raw = RedisClient.builder()
                    .hostAndPort(new HostAndPort("127.0.0.1", server.port()))
                    .build();
        }

        /** The server's {@code host:port}. */
        String address() {
            return server.address();
        }

        /** The raw client, pooled, as the application would hold it. */
        RedisClient raw() {
            return raw;
        }

        @Override
        Cache openCache(CacheListener listener) {
            return Caches.builder()
                    .uri("redis://" + server.address())
                    .listener(listener)
                    .build();
        }

        @Override
        byte[] rawGet(String key) {
            return raw.get(key.getBytes());
        }

        @Override
        List<byte[]> rawMultiGet(List<String> keys) {
            byte[][] bytes = new byte[keys.size()][];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = keys.get(i).getBytes();
            }
            return raw.mget(bytes);
        }

        @Override
        void rawSet(String key, byte[] value) {
            raw.set(key.getBytes(), value);
        }

        @Override
        public void close() {
            raw.close();
            server.close();
        }
    }

    private static final class Memcached extends BenchTarget {
        private final ServerProcess server;
        private final MemcachedClient raw;

        Memcached() {
            server = ServerProcess.memcached(Map.of());
            try {
                raw = new MemcachedClient(
                        new ConnectionFactoryBuilder()
                                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                                .build(),
                        AddrUtil.getAddresses(server.address()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        Cache openCache(CacheListener listener) {
            return Caches.builder()
                    .uri("memcached://" + server.address())
                    .listener(listener)
                    .build();
        }

        @Override
        byte[] rawGet(String key) {
            return (byte[]) raw.get(key);
        }

        @Override
        List<byte[]> rawMultiGet(List<String> keys) {
            Map<String, Object> found = raw.getBulk(keys);
            List<byte[]> values = new ArrayList<>(keys.size());
            for (String key : keys) {
                values.add((byte[]) found.get(key));
            }
            return values;
        }

        @Override
        void rawSet(String key, byte[] value) {
            try {
                raw.set(key, 0, value).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("raw memcached set failed", e);
            }
        }

        @Override
        public void close() {
            raw.shutdown(5, TimeUnit.SECONDS);
            server.close();
        }
    }

    private static final class HazelcastMember extends BenchTarget {
        private final HazelcastInstance member;
        private final IMap<String, byte[]> raw;

        HazelcastMember() {
            member = startMember();
            raw = member.getMap("raw");
        }

        @Override
        Cache openCache(CacheListener listener) {
            // Every node on one member: the raw comparison reads the same member's map.
            return Caches.builder()
                    .backend(HazelcastBackends.of(member))
                    .listener(listener)
                    .build();
        }

        @Override
        byte[] rawGet(String key) {
            return raw.get(key);
        }

        @Override
        List<byte[]> rawMultiGet(List<String> keys) {
            Map<String, byte[]> found = raw.getAll(new LinkedHashSet<>(keys));
            List<byte[]> values = new ArrayList<>(keys.size());
            for (String key : keys) {
                values.add(found.get(key));
            }
            return values;
        }

        @Override
        void rawSet(String key, byte[] value) {
            raw.set(key, value);
        }

        @Override
        public void close() {
            member.shutdown();
        }
    }

    /**
     * The in-process store. Its raw side is a Caffeine cache with the store's default entry bound
     * that copies the bytes it returns, the work the store itself does per key, so the difference is
     * cachekit's own CPU.
     */
    private static final class Memory extends BenchTarget {
        private final String space = "bench-" + System.nanoTime();
        private final com.github.benmanes.caffeine.cache.Cache<String, byte[]> raw =
                Caffeine.newBuilder().maximumSize(10_000).build();

        @Override
        Cache openCache(CacheListener listener) {
            return Caches.builder().uri("memory://" + space).listener(listener).build();
        }

        @Override
        byte[] rawGet(String key) {
            byte[] value = raw.getIfPresent(key);
            return value == null ? null : value.clone();
        }

        @Override
        List<byte[]> rawMultiGet(List<String> keys) {
            List<byte[]> values = new ArrayList<>(keys.size());
            for (String key : keys) {
                values.add(rawGet(key));
            }
            return values;
        }

        @Override
        void rawSet(String key, byte[] value) {
            raw.put(key, value.clone());
        }

        @Override
        public void close() {}
    }
}
