package dev.cachekit.redis;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link Store} over a Jedis client ({@link JedisClient}): a standalone server, one behind
 * sentinels, or a Redis Cluster.
 *
 * <p>Standalone, a multi-get is one {@code MGET} and a multi-set without TTL one {@code MSET}. In
 * cluster mode, where a command may only touch keys of one slot, a multi-get or multi-set is a
 * pipeline per node holding the keys, the nodes served in parallel: still one round trip per node.
 * TTLs are sent as {@code PX} milliseconds. Set-if-absent is {@code SET NX [PX]}; compare-and-delete
 * and compare-and-set are Lua scripts; increment is {@code INCR}, and a key that holds no counter
 * makes it throw a {@link CorruptEntryException} naming the key, as the SPI's default does.
 *
 * <p>Every Jedis failure is thrown as a {@link StoreException} naming the server. After a
 * connection failure the pool's idle connections are dropped, so a restarted server is reached
 * again by the next call. Thread-safe.
 */
final class RedisStore implements Store {

    /** Redis' default {@code proto-max-bulk-len}: the largest string a server accepts. */
    static final int MAX_STRING_BYTES = 512 * 1024 * 1024;

    // Keys are bounded by the same 512 MiB, which no cache key comes near: declared unlimited.
    private static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities(Duration.ofMillis(1), StoreCapabilities.UNLIMITED, MAX_STRING_BYTES);

    private static final RedisScript COMPARE_AND_DELETE = new RedisScript(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end");

    // ARGV: expected, new value, TTL in ms ("0" = no expiry, which a plain SET also clears).
    private static final RedisScript COMPARE_AND_SET = new RedisScript("if redis.call('GET', KEYS[1]) == ARGV[1] then"
            + " if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2])"
            + " else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end"
            + " return 1 else return 0 end");

    /*
     * Lock scripts. A fencing token is max(counter + 1, TIME in microseconds), written back without
     * TTL: a counter lost to eviction or an empty restart starts again above every earlier token as
     * long as the server's clock does not step back. Lua numbers are doubles, exact up to 2^53
     * (the year 2255 in microseconds), so tokens are formatted with %.0f, never as 1e+15.
     * replicate_commands lets a script write after TIME on servers before 5.0; it is a no-op after.
     */
    // A counter that is not a non-negative whole number (or not a string at all) answers
    // CORRUPT_FENCE before anything is written, so a damaged counter never leaves the lock held.
    private static final String READ_COUNTER = "local raw = redis.pcall('GET', KEYS[%d])"
            + " if type(raw) == 'table' and raw.err then return -1 end"
            + " local current = 0"
            + " if raw then current = tonumber(raw)"
            + " if current == nil or current < 0 or current ~= math.floor(current) then return -1 end end ";

    private static final String NEXT_TOKEN = "if redis.replicate_commands then redis.replicate_commands() end"
            + " local t = redis.call('TIME')"
            + " local now = tonumber(t[1]) * 1000000 + tonumber(t[2])"
            + " local n = math.max(current + 1, now)"
            + " redis.call('SET', KEYS[%d], string.format('%%.0f', n))"
            + " return n";

    /** What the fencing scripts answer for a counter that holds something other than a counter. */
    private static final long CORRUPT_FENCE = -1;

    // KEYS: lock, counter. ARGV: owner, lease in ms. Returns the token, 0 if the lock is held, or
    // CORRUPT_FENCE.
    private static final RedisScript ACQUIRE_FENCED = new RedisScript(READ_COUNTER.formatted(2)
            + "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end "
            + NEXT_TOKEN.formatted(2));

    // KEYS: counter. For a cluster, where the lock and its counter live in different slots.
    private static final RedisScript NEXT_FENCE = new RedisScript(READ_COUNTER.formatted(1) + NEXT_TOKEN.formatted(1));

    // KEYS: the keys. ARGV: a value per key, then the TTL in ms ("0" = no expiry). Answers 1 or 0 per key:
    // set-if-absent of every key in one round trip on a standalone server.
    private static final RedisScript SET_IF_ABSENT_ALL = new RedisScript("local ttl = ARGV[#ARGV] local r = {}"
            + " for i = 1, #KEYS do local ok"
            + " if ttl == '0' then ok = redis.call('SET', KEYS[i], ARGV[i], 'NX')"
            + " else ok = redis.call('SET', KEYS[i], ARGV[i], 'NX', 'PX', ttl) end"
            + " if ok then r[i] = 1 else r[i] = 0 end end return r");

    // KEYS: lock. ARGV: owner, channel. Deletes, then publishes: no waiter wakes to a held key.
    private static final RedisScript RELEASE = new RedisScript("if redis.call('GET', KEYS[1]) == ARGV[1] then"
            + " redis.call('DEL', KEYS[1]) redis.call('PUBLISH', ARGV[2], KEYS[1]) return 1 else return 0 end");

    // KEYS: locks. ARGV: an owner per lock, then a channel per lock. As RELEASE for each lock; answers 1 or 0 per lock.
    private static final RedisScript RELEASE_ALL = new RedisScript("local n = #KEYS local r = {}"
            + " for i = 1, n do if redis.call('GET', KEYS[i]) == ARGV[i] then"
            + " redis.call('DEL', KEYS[i]) redis.call('PUBLISH', ARGV[n + i], KEYS[i]) r[i] = 1"
            + " else r[i] = 0 end end return r");

    private final JedisClient jedis;
    private final UnifiedJedis client;
    private final boolean cluster;
    private final String description;
    private final boolean ownsClient;
    private final ExecutorService nodeExecutor;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates a store over a client.
     *
     * @param jedis the client
     * @param description names the server(s) for messages: {@code redis 127.0.0.1:6379}
     * @param ownsClient whether {@link #close()} closes the client
     */
    RedisStore(JedisClient jedis, String description, boolean ownsClient) {
        this.jedis = Objects.requireNonNull(jedis, "jedis");
        this.client = jedis.commands();
        this.cluster = jedis.isCluster();
        this.description = Objects.requireNonNull(description, "description");
        this.ownsClient = ownsClient;
        this.nodeExecutor = cluster ? nodeExecutor(description) : null;
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public byte[] get(String key) {
        byte[] raw = bytes(key);
        return call(() -> client.get(raw));
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        if (keys.isEmpty()) {
            return new ArrayList<>();
        }
        if (!cluster) {
            byte[][] raw = new byte[keys.size()][];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = bytes(keys.get(i));
            }
            return call(() -> new ArrayList<>(client.mget(raw)));
        }
        if (keys.size() == 1) {
            List<byte[]> one = new ArrayList<>(1);
            one.add(get(keys.get(0)));
            return one;
        }
        return call(() -> pipelined(keys, (pipeline, key) -> pipeline.get(bytes(key)), key -> client.get(bytes(key))));
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        byte[] raw = bytes(key);
        SetParams params = expiry(ttlMillis);
        call(() -> client.set(raw, value, params));
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        SetParams params = expiry(ttlMillis);
        if (entries.isEmpty()) {
            return;
        }
        if (!cluster && ttlMillis == NO_EXPIRY) {
            byte[][] keysAndValues = new byte[entries.size() * 2][];
            int i = 0;
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                keysAndValues[i++] = bytes(entry.getKey());
                keysAndValues[i++] = entry.getValue();
            }
            call(() -> client.mset(keysAndValues));
            return;
        }
        call(() -> pipelined(
                List.copyOf(entries.entrySet()),
                (pipeline, entry) -> pipeline.set(bytes(entry.getKey()), entry.getValue(), params),
                entry -> client.set(bytes(entry.getKey()), entry.getValue(), params)));
    }

    /**
     * Sends one command per item in one pipeline (one per node in a cluster, the nodes in parallel)
     * and returns their results in order.
     *
     * <p>In a cluster, a node answers a command for a slot it does not serve with a redirection
     * instead of a result: {@code MOVED} once a resharding or failover gave the slot to another
     * node, {@code ASK} while the slot is being migrated and the key has already left. Those
     * commands, and only those, are sent again one by one through the client, which follows the
     * redirection as it does for any single-key call ({@code ASKING} first on the importing node,
     * a refreshed slot map after {@code MOVED}); a {@code MOVED} also refreshes the slot map for the
     * next pipeline. Resending the whole pipeline would not do: during a migration the slot map
     * still names the old node, which answers {@code ASK} again. Every command sent this way is
     * idempotent.
     */
    private <I, T> List<T> pipelined(
            List<I> items, BiFunction<AbstractPipeline, I, Response<T>> queue, Function<I, T> alone) {
        List<T> results = new ArrayList<>(items.size());
        List<Integer> redirected = null; // made only when a node redirected a command
        boolean moved = false;
        try (AbstractPipeline pipeline = jedis.pipelined(nodeExecutor)) {
            List<Response<T>> responses = new ArrayList<>(items.size());
            for (I item : items) {
                responses.add(queue.apply(pipeline, item));
            }
            pipeline.sync();
            for (int i = 0; i < responses.size(); i++) {
                try {
                    // A command that failed throws its error here.
                    results.add(answer(responses.get(i)));
                } catch (JedisRedirectionException e) {
                    if (!cluster) {
                        throw e;
                    }
                    moved |= e instanceof JedisMovedDataException;
                    if (redirected == null) {
                        redirected = new ArrayList<>();
                    }
                    redirected.add(i);
                    results.add(null);
                }
            }
        }
        if (redirected == null) {
            return results;
        }
        if (moved) {
            jedis.refreshTopology();
        }
        for (int i : redirected) {
            results.set(i, alone.apply(items.get(i)));
        }
        return results;
    }

    /**
     * A cluster pipeline logs and swallows a node's connection failure, leaving that node's
     * responses unset; reading one then throws an {@link IllegalStateException}. Report it as the
     * connection failure it is.
     */
    private static <T> T answer(Response<T> response) {
        try {
            return response.get();
        } catch (IllegalStateException e) {
            throw new JedisConnectionException(
                    "a node did not answer its part of the pipeline (its connection failed)", e);
        }
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        byte[] raw = bytes(key);
        SetParams params = expiry(ttlMillis).nx();
        return call(() -> "OK".equals(client.set(raw, value, params)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Standalone: one script that runs {@code SET NX [PX]} for every key, one round trip. In a
     * cluster, where a script may only touch one slot: a pipeline of {@code SET NX [PX]} per node
     * holding the keys, the nodes in parallel.
     */
    @Override
    public List<Boolean> setIfAbsentAll(Map<String, byte[]> entries, long ttlMillis) {
        SetParams params = expiry(ttlMillis).nx();
        if (entries.isEmpty()) {
            return new ArrayList<>();
        }
        if (!cluster) {
            List<byte[]> keys = new ArrayList<>(entries.size());
            List<byte[]> args = new ArrayList<>(entries.size() + 1);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                keys.add(bytes(entry.getKey()));
                args.add(Objects.requireNonNull(entry.getValue(), "value"));
            }
            args.add(Long.toString(ttlMillis).getBytes(StandardCharsets.US_ASCII));
            List<?> answers = call(() -> (List<?>) SET_IF_ABSENT_ALL.eval(client, keys, args));
            List<Boolean> written = new ArrayList<>(answers.size());
            for (Object answer : answers) {
                written.add(Long.valueOf(1).equals(answer));
            }
            return written;
        }
        List<String> results = call(() -> pipelined(
                List.copyOf(entries.entrySet()),
                (pipeline, entry) -> pipeline.set(bytes(entry.getKey()), entry.getValue(), params),
                entry -> client.set(bytes(entry.getKey()), entry.getValue(), params)));
        List<Boolean> written = new ArrayList<>(results.size());
        for (String result : results) {
            written.add("OK".equals(result));
        }
        return written;
    }

    @Override
    public boolean delete(String key) {
        byte[] raw = bytes(key);
        return call(() -> client.del(raw) > 0);
    }

    /**
     * Standalone, one {@code DEL} with every distinct key (it answers how many were present). In a
     * cluster, where a command may only touch keys of one slot, one {@code DEL} per key in a
     * pipeline per node, the nodes in parallel, as {@link #getAll} does.
     */
    @Override
    public int deleteAll(List<String> keys) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(keys));
        if (distinct.isEmpty()) {
            return 0;
        }
        if (!cluster) {
            byte[][] raw = new byte[distinct.size()][];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = bytes(distinct.get(i));
            }
            return (int) (long) call(() -> client.del(raw));
        }
        if (distinct.size() == 1) {
            return delete(distinct.get(0)) ? 1 : 0;
        }
        List<Long> deleted = call(
                () -> pipelined(distinct, (pipeline, key) -> pipeline.del(bytes(key)), key -> client.del(bytes(key))));
        int present = 0;
        for (Long one : deleted) {
            present += one != null && one > 0 ? 1 : 0;
        }
        return present;
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        Objects.requireNonNull(expected, "expected");
        byte[] raw = bytes(key);
        return call(() -> COMPARE_AND_DELETE.run(client, raw, expected)) > 0;
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(value, "value");
        expiry(ttlMillis);
        byte[] raw = bytes(key);
        byte[] ttl = Long.toString(ttlMillis).getBytes(StandardCharsets.US_ASCII);
        return call(() -> COMPARE_AND_SET.run(client, raw, expected, value, ttl)) > 0;
    }

    @Override
    public long increment(String key) {
        byte[] raw = bytes(key);
        return call(() -> {
            try {
                return client.incr(raw);
            } catch (JedisDataException e) {
                String reason = String.valueOf(e.getMessage());
                if (reason.startsWith("WRONGTYPE")
                        || reason.contains("not an integer")
                        || reason.contains("overflow")) {
                    throw new CorruptEntryException(
                            key,
                            "holds a value that is not a counter (" + description + " refused INCR: " + reason + ")",
                            e);
                }
                throw e;
            }
        });
    }

    @Override
    public String describe() {
        return description;
    }

    // ---- locks: one round trip each, standalone; see RedisLockCommands --------------------------

    /** {@code SET NX PX}, and the fencing token in the same script where the keys share a node. */
    long acquireFenced(String key, String fenceKey, byte[] owner, long leaseMillis) {
        byte[] raw = bytes(key);
        byte[] fence = bytes(fenceKey);
        byte[] lease = Long.toString(leaseMillis).getBytes(StandardCharsets.US_ASCII);
        if (!cluster) {
            return checkFence(fenceKey, call(() -> ACQUIRE_FENCED.run(client, List.of(raw, fence), owner, lease)));
        }
        if (!setIfAbsent(key, owner, leaseMillis)) {
            return 0;
        }
        try {
            return checkFence(fenceKey, call(() -> NEXT_FENCE.run(client, fence)));
        } catch (RuntimeException e) {
            try {
                compareAndDelete(key, owner);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private long checkFence(String fenceKey, long token) {
        if (token == CORRUPT_FENCE) {
            throw new CorruptEntryException(
                    fenceKey,
                    "holds a fencing counter that is not a non-negative whole number (in " + description
                            + "); delete the key to reset it");
        }
        return token;
    }

    /** Compare-and-delete and {@code PUBLISH channel key} in one script. */
    boolean releaseLock(String key, byte[] owner, String channel) {
        byte[] raw = bytes(key);
        byte[] channelBytes = bytes(channel);
        return call(() -> RELEASE.run(client, raw, owner, channelBytes)) > 0;
    }

    /**
     * Compare-and-delete and {@code PUBLISH} of each lock: one script on a standalone server; in a
     * cluster, where a script touches one slot, one release script per lock.
     *
     * @param owners the locks and their owner tokens
     * @param channels the channel of each lock
     * @return whether each lock was released, in the map's order
     */
    List<Boolean> releaseLocks(Map<String, byte[]> owners, Map<String, String> channels) {
        List<Boolean> released = new ArrayList<>(owners.size());
        if (cluster) {
            owners.forEach((key, owner) -> released.add(releaseLock(key, owner, channels.get(key))));
            return released;
        }
        if (owners.isEmpty()) {
            return released;
        }
        List<byte[]> keys = new ArrayList<>(owners.size());
        List<byte[]> args = new ArrayList<>(owners.size() * 2);
        for (Map.Entry<String, byte[]> owner : owners.entrySet()) {
            keys.add(bytes(owner.getKey()));
            args.add(owner.getValue());
        }
        for (String key : owners.keySet()) {
            args.add(bytes(channels.get(key)));
        }
        List<?> answers = call(() -> (List<?>) RELEASE_ALL.eval(client, keys, args));
        for (Object answer : answers) {
            released.add(Long.valueOf(1).equals(answer));
        }
        return released;
    }

    /**
     * Checks that the server answers (and accepts the credentials), so a bad URI fails when the
     * cache is opened rather than on first use.
     *
     * @throws StoreException naming the server and what went wrong
     */
    void ping() {
        call(client::ping);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (nodeExecutor != null) {
            nodeExecutor.shutdown();
        }
        if (ownsClient) {
            client.close();
        }
    }

    /** Runs a Jedis call, turning its failures into {@link StoreException}s naming the server. */
    private <T> T call(Supplier<T> operation) {
        if (closed.get()) {
            throw new IllegalStateException(description + " store is closed");
        }
        try {
            return operation.get();
        } catch (JedisException e) {
            if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException) {
                jedis.dropIdleConnections();
            }
            throw failure(description, e);
        }
    }

    /**
     * Translates a Jedis failure into a {@link StoreException} that names the server and says what
     * to do.
     *
     * @param description the store's description
     * @param e the Jedis failure
     * @return the exception to throw
     */
    static StoreException failure(String description, JedisException e) {
        String reason = rootMessage(e);
        if (reason.startsWith("NOPERM") || reason.contains(" NOPERM ")) {
            return new StoreException(
                    description + " refused a command to this user: " + reason
                            + "; give the ACL user the rules the cache-redis README lists",
                    e);
        }
        if (e instanceof JedisAccessControlException
                || reason.startsWith("WRONGPASS")
                || reason.startsWith("NOAUTH")
                || reason.contains("invalid username-password")) {
            return new StoreException(
                    description + " refused the credentials: " + reason + "; check the user and password in the URI",
                    e);
        }
        if (causedBy(e, SSLException.class)) {
            String dates = causedBy(e, CertificateExpiredException.class)
                    ? "a certificate has expired: "
                    : causedBy(e, CertificateNotYetValidException.class) ? "a certificate is not valid yet: " : "";
            return new StoreException(
                    description + " failed the TLS handshake: " + dates + reason
                            + "; check tlsTrustStore (the CA that signed the server's certificate), the certificates'"
                            + " dates and host names, and tlsKeyStore if the server asks for a client certificate",
                    e);
        }
        if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException) {
            return new StoreException(
                    description + " is unreachable: " + reason + "; is the server running and the address right?", e);
        }
        return new StoreException(description + " failed: " + reason, e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause() : firstSuppressed(t)) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Throwable firstSuppressed(Throwable t) {
        return t.getSuppressed().length > 0 ? t.getSuppressed()[0] : null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (true) {
            // Jedis keeps the per-address failures of a connect as suppressed exceptions.
            Throwable next = root.getCause() != null
                    ? root.getCause()
                    : root.getSuppressed().length > 0 ? root.getSuppressed()[0] : null;
            if (next == null || next == root) {
                break;
            }
            root = next;
        }
        String message =
                root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return message.equals(e.getMessage()) || e.getMessage() == null
                ? message
                : e.getMessage() + " (" + message + ")";
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static SetParams expiry(long ttlMillis) {
        if (ttlMillis < 0) {
            throw new IllegalArgumentException("ttlMillis must be 0 (no expiry) or positive, was " + ttlMillis);
        }
        SetParams params = SetParams.setParams();
        return ttlMillis == NO_EXPIRY ? params : params.px(ttlMillis);
    }

    private static ExecutorService nodeExecutor(String description) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor =
                new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread =
                            new Thread(runnable, "cachekit-" + description + "-node-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
