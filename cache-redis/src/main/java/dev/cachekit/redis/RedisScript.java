package dev.cachekit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script over one key or over keys of one slot, sent by its SHA-1 ({@code EVALSHA}) and by its text ({@code EVAL}) only
 * when the server does not know it yet: after a restart, or on a cluster node that never ran it.
 */
final class RedisScript {

    private final byte[] source;
    private final byte[] sha1;

    RedisScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(this.source);
            this.sha1 = HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    /**
     * Runs the script on the node holding {@code key}.
     *
     * @param client the client
     * @param key the script's only key
     * @param args the script's arguments
     * @return the script's integer result
     */
    long run(UnifiedJedis client, byte[] key, byte[]... args) {
        return run(client, List.of(key), args);
    }

    /**
     * Runs the script on the node holding {@code keys}, which must share a slot in a cluster.
     *
     * @param client the client
     * @param keys the script's keys
     * @param args the script's arguments
     * @return the script's integer result
     */
    long run(UnifiedJedis client, List<byte[]> keys, byte[]... args) {
        return (Long) eval(client, keys, List.of(args));
    }

    /**
     * Runs the script on the node holding {@code keys}, which must share a slot in a cluster.
     *
     * @param client the client
     * @param keys the script's keys
     * @param args the script's arguments
     * @return the script's result as Jedis decodes it (a {@code List} for a Lua table)
     */
    Object eval(UnifiedJedis client, List<byte[]> keys, List<byte[]> args) {
        try {
            return client.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return client.eval(source, keys, args);
        }
    }
}
