package dev.cachekit.redis;

import dev.cachekit.StoreException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.StoreLocker;
import java.time.Duration;
import java.util.Objects;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Builds a Redis {@link Backend} around a Jedis client the application already has, for {@code
 * Caches.builder().backend(...)}:
 *
 * <pre>{@code
 * RedisClient jedis = RedisClient.create("redis.internal", 6379); // Jedis 7: new JedisPooled(...)
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
     * @param client a {@link JedisCluster} or (Jedis 8) {@code RedisClusterClient} for a cluster;
     *     any other {@link UnifiedJedis} ({@code RedisClient}, {@code JedisPooled}, a sentinel
     *     client) is treated as one server
     * @return the backend, connected, with its lock-release subscription confirmed
     * @throws StoreException if the server cannot be reached or refuses the client's credentials
     * @throws dev.cachekit.CacheConfigurationException if the Jedis on the class path is older than
     *     7.0, naming the version found and the one needed
     */
    public static Backend of(UnifiedJedis client) {
        Objects.requireNonNull(client, "client");
        JedisVersion.require();
        try {
            JedisClient jedis = JedisClient.given(client);
            return open(jedis, describe(jedis), false, CONFIRM_SUBSCRIPTION_WITHIN);
        } catch (LinkageError e) {
            throw JedisVersion.unsupported(e);
        }
    }

    /**
     * Builds the backend; on failure, closes what it opened (the client too, if it owns it).
     */
    static Backend open(JedisClient client, String description, boolean ownsClient, Duration confirmWithin) {
        RedisStore store = new RedisStore(client, description, ownsClient);
        try {
            store.ping();
            RedisLockSignal signal = RedisLockSignal.start(client.commands(), description, confirmWithin);
            return Backend.builder(store)
                    .signal(signal)
                    .invalidations(signal)
                    .locker(new StoreLocker(new RedisLockCommands(store), signal))
                    .build();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static String describe(JedisClient client) {
        try {
            return client.describe();
        } catch (JedisException e) {
            throw RedisStore.failure("redis (the given client)", e);
        }
    }
}
