package dev.cachekit.redis;

import dev.cachekit.StoreException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.StoreLocker;
import java.time.Duration;
import java.util.Objects;
import java.util.TreeSet;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Builds a Redis {@link Backend} around a Jedis client the application already has, for {@code
 * Caches.builder().backend(...)}:
 *
 * <pre>{@code
 * RedisClient jedis = RedisClient.builder().hostAndPort("redis.internal", 6379).build();
 * try (Cache cache = Caches.builder().backend(RedisBackends.of(jedis)).keyPrefix("shop:").build()) {
 *     ...
 * }
 * jedis.close(); // the cache never closes a client it was given
 * }</pre>
 *
 * <p>The backend's locker is the native one, one round trip per step: acquire is {@code SET NX PX}
 * of an owner token (fenced: one script that also advances the counter from the server's {@code
 * TIME}), release one script that compares, deletes and publishes on the prefix's channel, renew a
 * Lua compare on the token; waiters are woken by that message. Its subscriber holds one of the client's pooled connections while the
 * backend is open, so give the pool at least two.
 */
public final class RedisBackends {

    private static final Duration CONFIRM_SUBSCRIPTION_WITHIN = Duration.ofSeconds(10);

    private RedisBackends() {}

    /**
     * A backend over the caller's client, which stays open when the backend (or the cache) is
     * closed.
     *
     * @param client a {@link RedisClient} (standalone) or a {@link RedisClusterClient}; any other
     *     {@link UnifiedJedis} is treated as a standalone server
     * @return the backend, connected, with its lock-release subscription confirmed
     * @throws StoreException if the server cannot be reached or refuses the client's credentials
     */
    public static Backend of(UnifiedJedis client) {
        Objects.requireNonNull(client, "client");
        return open(client, describe(client), false, CONFIRM_SUBSCRIPTION_WITHIN);
    }

    /**
     * Builds the backend; on failure, closes what it opened (the client too, if it owns it).
     */
    static Backend open(UnifiedJedis client, String description, boolean ownsClient, Duration confirmWithin) {
        RedisStore store = new RedisStore(client, description, ownsClient);
        try {
            store.ping();
            RedisLockSignal signal = RedisLockSignal.start(client, description, confirmWithin);
            return Backend.builder(store)
                    .signal(signal)
                    .locker(new StoreLocker(new RedisLockCommands(store), signal))
                    .build();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static String describe(UnifiedJedis client) {
        if (client instanceof RedisClusterClient cluster) {
            return "redis-cluster "
                    + String.join(",", new TreeSet<>(cluster.getClusterNodes().keySet()));
        }
        if (client instanceof RedisClient standalone) {
            try (Connection connection = standalone.getPool().getResource()) {
                return "redis " + connection.getHostAndPort();
            } catch (JedisException e) {
                throw RedisStore.failure("redis (the given client)", e);
            }
        }
        return "redis (" + client.getClass().getSimpleName() + ")";
    }
}
