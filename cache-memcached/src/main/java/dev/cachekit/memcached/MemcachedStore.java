package dev.cachekit.memcached;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;

/**
 * A {@link Store} over one or more memcached servers, through a spymemcached {@link
 * MemcachedClient} that uses the binary protocol.
 *
 * <ul>
 *   <li><b>Keys</b>: any key works. Keys memcached refuses (longer than 250 bytes, or holding
 *       spaces, control or non-ASCII characters) are mapped to a readable prefix plus the SHA-256
 *       of the whole key; two different keys never share an entry.
 *   <li><b>Values</b>: stored byte for byte. A value larger than the item size limit ({@link
 *       Builder#maxItemSize}, which must match the server's {@code -I}, less {@value
 *       #ITEM_OVERHEAD_BYTES} bytes for memcached's item header and key) is refused before
 *       anything is sent, so the previous value stays readable.
 *   <li><b>TTLs</b>: rounded up to whole seconds (plus one, since memcached's clock ticks once a
 *       second); TTLs over 30 days are sent as absolute Unix times. {@link
 *       StoreCapabilities#ttlGranularity()} is one second.
 *   <li><b>Multi-get</b>: one {@code getBulk}, one request per server involved. Multi-set and
 *       multi-delete send every command before waiting for any: the client pipelines them per
 *       server.
 *   <li><b>Atomic operations</b>: set-if-absent is {@code add}; compare-and-delete and
 *       compare-and-set are {@code gets} followed by a delete or set carrying the item's CAS id;
 *       the counter is {@code incr}, created by {@code add} on first use.
 *   <li><b>Failures</b>: the client cancels calls for a server it has lost until it reconnects;
 *       every failure is a {@link StoreException} naming the server that owns the key.
 * </ul>
 *
 * <p>Thread-safe. Closing the store shuts the client down only if the store created it.
 */
public final class MemcachedStore implements Store {

    /**
     * How often a compare-and-delete or compare-and-set whose CAS lost to a rewrite that left the
     * expected bytes in place (a lock renewed while it is released) compares again.
     */
    private static final int CAS_ATTEMPTS = 10;

    /** memcached's default item size limit ({@code -I 1m}). */
    public static final int DEFAULT_MAX_ITEM_SIZE = 1024 * 1024;

    /**
     * Bytes of an item that are not the value: memcached's item header, the key (up to 250
     * bytes), CAS id and line ending, with room to spare.
     */
    public static final int ITEM_OVERHEAD_BYTES = 512;

    /** The largest item size memcached accepts ({@code -I 1024m}). */
    static final int LARGEST_ITEM_SIZE = 1024 * 1024 * 1024;

    private static final byte[] ONE = "1".getBytes(StandardCharsets.US_ASCII);

    private final MemcachedClient client;
    private final boolean ownsClient;
    private final NodeLocator locator;
    private final int maxItemSize;
    private final StoreCapabilities capabilities;
    private final long timeoutMillis;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemcachedStore(MemcachedClient client, boolean ownsClient, int maxItemSize) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.locator = client.getNodeLocator();
        this.maxItemSize = checkItemSize(maxItemSize);
        this.capabilities = new StoreCapabilities(
                Duration.ofSeconds(1), StoreCapabilities.UNLIMITED, maxItemSize - ITEM_OVERHEAD_BYTES);
        this.timeoutMillis = client.getOperationTimeout();
        this.description = "memcached "
                + locator.getAll().stream()
                        .map(node -> address(node.getSocketAddress()))
                        .collect(Collectors.joining(","));
    }

    /**
     * Starts a store over a client the caller built and keeps: closing the store leaves the client
     * open. The client must use the binary protocol ({@code new
     * ConnectionFactoryBuilder().setProtocol(Protocol.BINARY)}), and for several servers should use
     * Ketama consistent hashing and {@code FailureMode.Cancel}, as {@code memcached://} URIs do.
     * Calls wait for the client's operation timeout.
     *
     * @param client the client
     * @return a builder
     */
    public static Builder builder(MemcachedClient client) {
        return new Builder(client);
    }

    @Override
    public StoreCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public byte[] get(String key) {
        String mkey = toMemcached(key);
        return await(key, mkey, "get", () -> client.asyncGet(mkey, RawBytesTranscoder.INSTANCE));
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        checkOpen();
        if (keys.isEmpty()) {
            return List.of();
        }
        List<String> mapped = new ArrayList<>(keys.size());
        Set<String> distinct = new LinkedHashSet<>();
        for (String key : keys) {
            String mkey = MemcachedKeys.toMemcached(key);
            mapped.add(mkey);
            distinct.add(mkey);
        }
        // The client would quietly ask another server for the keys of a lost one and report them
        // absent; fail instead, as single-key calls do.
        Set<String> down = new TreeSet<>();
        for (String mkey : distinct) {
            MemcachedNode node = locator.getPrimary(mkey);
            if (!node.isActive()) {
                down.add(address(node.getSocketAddress()));
            }
        }
        if (!down.isEmpty()) {
            throw new StoreException(
                    "multi-get of " + keys.size() + " keys failed: memcached " + String.join(",", down)
                            + " is not connected (the client fails calls for a lost server until it reconnects)",
                    null);
        }
        Map<String, byte[]> found;
        try {
            found = client.asyncGetBulk(distinct, RawBytesTranscoder.INSTANCE)
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("multi-get on " + servers(distinct) + " was interrupted", e);
        } catch (CheckedOperationTimeoutException e) {
            throw new StoreException(
                    "multi-get timed out after " + timeoutMillis + " ms on memcached " + serversOf(e.getOperations()),
                    e);
        } catch (TimeoutException e) {
            throw new StoreException(
                    "multi-get timed out after " + timeoutMillis + " ms on memcached " + servers(distinct), e);
        } catch (ExecutionException e) {
            throw new StoreException(
                    "multi-get failed on memcached " + servers(distinct) + ": " + describe(e.getCause()), e.getCause());
        } catch (RuntimeException e) {
            throw new StoreException("multi-get failed on memcached " + servers(distinct) + ": " + describe(e), e);
        }
        List<byte[]> values = new ArrayList<>(keys.size());
        Map<byte[], Boolean> handedOut = new IdentityHashMap<>();
        for (String mkey : mapped) {
            byte[] value = found.get(mkey);
            if (value != null && handedOut.put(value, Boolean.TRUE) != null) {
                // A repeated key gets its own copy: callers may change what they are given.
                value = value.clone();
            }
            values.add(value);
        }
        return values;
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        checkValueSize(key, value);
        int expiry = MemcachedExpiry.of(ttlMillis, System.currentTimeMillis());
        String mkey = toMemcached(key);
        OperationFuture<Boolean> future =
                submit(key, mkey, "set", () -> client.set(mkey, expiry, value, RawBytesTranscoder.INSTANCE));
        if (!Boolean.TRUE.equals(await(key, mkey, "set", future))) {
            throw refused(key, mkey, "set", value.length, future.getStatus());
        }
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        checkOpen();
        // Check every value before sending any, so a refused batch leaves nothing half-written.
        entries.forEach(this::checkValueSize);
        int expiry = MemcachedExpiry.of(ttlMillis, System.currentTimeMillis());
        Map<String, OperationFuture<Boolean>> sent = new LinkedHashMap<>();
        Map<String, String> mappedKeys = new HashMap<>();
        StoreException failure = null;
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            String key = entry.getKey();
            String mkey = MemcachedKeys.toMemcached(key);
            mappedKeys.put(key, mkey);
            try {
                sent.put(
                        key,
                        submit(
                                key,
                                mkey,
                                "set",
                                () -> client.set(mkey, expiry, entry.getValue(), RawBytesTranscoder.INSTANCE)));
            } catch (StoreException e) {
                failure = addFailure(failure, e);
            }
        }
        // The client pipelines the sets per server; wait for every one, then report all failures.
        for (Map.Entry<String, OperationFuture<Boolean>> entry : sent.entrySet()) {
            String key = entry.getKey();
            String mkey = mappedKeys.get(key);
            try {
                if (!Boolean.TRUE.equals(await(key, mkey, "set", entry.getValue()))) {
                    failure = addFailure(
                            failure,
                            refused(
                                    key,
                                    mkey,
                                    "set",
                                    entries.get(key).length,
                                    entry.getValue().getStatus()));
                }
            } catch (StoreException e) {
                failure = addFailure(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        checkValueSize(key, value);
        int expiry = MemcachedExpiry.of(ttlMillis, System.currentTimeMillis());
        String mkey = toMemcached(key);
        OperationFuture<Boolean> future =
                submit(key, mkey, "add", () -> client.add(mkey, expiry, value, RawBytesTranscoder.INSTANCE));
        if (Boolean.TRUE.equals(await(key, mkey, "add", future))) {
            return true;
        }
        if (isOneOf(future.getStatus(), StatusCode.ERR_EXISTS, StatusCode.ERR_NOT_STORED)) {
            return false;
        }
        throw refused(key, mkey, "add", value.length, future.getStatus());
    }

    /**
     * {@inheritDoc}
     *
     * <p>An {@code add} per key, all sent before any answer is awaited: the client pipelines them
     * per server, so the batch costs one round trip of latency. Every answer is awaited, then the
     * failures are reported together.
     */
    @Override
    public List<Boolean> setIfAbsentAll(Map<String, byte[]> entries, long ttlMillis) {
        checkOpen();
        entries.forEach(this::checkValueSize);
        int expiry = MemcachedExpiry.of(ttlMillis, System.currentTimeMillis());
        List<String> keys = new ArrayList<>(entries.size());
        List<String> mkeys = new ArrayList<>(entries.size());
        List<OperationFuture<Boolean>> sent = new ArrayList<>(entries.size());
        StoreException failure = null;
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            String key = entry.getKey();
            String mkey = MemcachedKeys.toMemcached(key);
            keys.add(key);
            mkeys.add(mkey);
            try {
                sent.add(submit(
                        key,
                        mkey,
                        "add",
                        () -> client.add(mkey, expiry, entry.getValue(), RawBytesTranscoder.INSTANCE)));
            } catch (StoreException e) {
                sent.add(null);
                failure = addFailure(failure, e);
            }
        }
        List<Boolean> written = new ArrayList<>(entries.size());
        for (int i = 0; i < sent.size(); i++) {
            OperationFuture<Boolean> future = sent.get(i);
            if (future == null) {
                written.add(false);
                continue;
            }
            String key = keys.get(i);
            String mkey = mkeys.get(i);
            try {
                if (Boolean.TRUE.equals(await(key, mkey, "add", future))) {
                    written.add(true);
                    continue;
                }
                if (!isOneOf(future.getStatus(), StatusCode.ERR_EXISTS, StatusCode.ERR_NOT_STORED)) {
                    failure =
                            addFailure(failure, refused(key, mkey, "add", entries.get(key).length, future.getStatus()));
                }
            } catch (StoreException e) {
                failure = addFailure(failure, e);
            }
            written.add(false);
        }
        if (failure != null) {
            throw failure;
        }
        return written;
    }

    @Override
    public boolean delete(String key) {
        String mkey = toMemcached(key);
        OperationFuture<Boolean> future = submit(key, mkey, "delete", () -> client.delete(mkey));
        if (Boolean.TRUE.equals(await(key, mkey, "delete", future))) {
            return true;
        }
        if (isOneOf(future.getStatus(), StatusCode.ERR_NOT_FOUND)) {
            return false;
        }
        throw refused(key, mkey, "delete", 0, future.getStatus());
    }

    /**
     * Sends a delete for every distinct key before waiting for any (the client pipelines them per
     * server: one round trip per server involved), then waits for all and reports every failure.
     */
    @Override
    public int deleteAll(List<String> keys) {
        checkOpen();
        Map<String, String> mappedKeys = new LinkedHashMap<>();
        for (String key : keys) {
            mappedKeys.computeIfAbsent(key, MemcachedKeys::toMemcached);
        }
        Map<String, OperationFuture<Boolean>> sent = new LinkedHashMap<>();
        StoreException failure = null;
        for (Map.Entry<String, String> entry : mappedKeys.entrySet()) {
            String key = entry.getKey();
            String mkey = entry.getValue();
            try {
                sent.put(key, submit(key, mkey, "delete", () -> client.delete(mkey)));
            } catch (StoreException e) {
                failure = addFailure(failure, e);
            }
        }
        int present = 0;
        for (Map.Entry<String, OperationFuture<Boolean>> entry : sent.entrySet()) {
            String key = entry.getKey();
            String mkey = mappedKeys.get(key);
            OperationFuture<Boolean> future = entry.getValue();
            try {
                if (Boolean.TRUE.equals(await(key, mkey, "delete", future))) {
                    present++;
                } else if (!isOneOf(future.getStatus(), StatusCode.ERR_NOT_FOUND)) {
                    failure = addFailure(failure, refused(key, mkey, "delete", 0, future.getStatus()));
                }
            } catch (StoreException e) {
                failure = addFailure(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return present;
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        String mkey = toMemcached(key);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            CASValue<byte[]> current =
                    await(key, mkey, "gets", () -> client.asyncGets(mkey, RawBytesTranscoder.INSTANCE));
            if (current == null || !Arrays.equals(current.getValue(), expected)) {
                return false;
            }
            OperationFuture<Boolean> future =
                    submit(key, mkey, "delete with CAS", () -> client.delete(mkey, current.getCas()));
            if (Boolean.TRUE.equals(await(key, mkey, "delete with CAS", future))) {
                return true;
            }
            if (isOneOf(future.getStatus(), StatusCode.ERR_NOT_FOUND)) {
                return false;
            }
            if (!isOneOf(future.getStatus(), StatusCode.ERR_EXISTS)) {
                throw refused(key, mkey, "delete with CAS", 0, future.getStatus());
            }
            // Rewritten since the gets, perhaps with the same bytes (a lock's renewal): compare again.
        }
        return false;
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        checkValueSize(key, value);
        int expiry = MemcachedExpiry.of(ttlMillis, System.currentTimeMillis());
        String mkey = toMemcached(key);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            CASValue<byte[]> current =
                    await(key, mkey, "gets", () -> client.asyncGets(mkey, RawBytesTranscoder.INSTANCE));
            if (current == null || !Arrays.equals(current.getValue(), expected)) {
                return false;
            }
            OperationFuture<CASResponse> future = submit(
                    key,
                    mkey,
                    "cas",
                    () -> client.asyncCAS(mkey, current.getCas(), expiry, value, RawBytesTranscoder.INSTANCE));
            CASResponse response = await(key, mkey, "cas", future);
            if (response == CASResponse.OK) {
                return true;
            }
            if (response == CASResponse.NOT_FOUND) {
                return false;
            }
            if (response != CASResponse.EXISTS) {
                throw refused(key, mkey, "cas", value.length, future.getStatus());
            }
            // Rewritten since the gets, perhaps with the same bytes (a lock's renewal): compare again.
        }
        return false;
    }

    @Override
    public long increment(String key) {
        String mkey = toMemcached(key);
        while (true) {
            OperationFuture<Long> incremented = submit(key, mkey, "incr", () -> client.asyncIncr(mkey, 1L));
            long value = await(key, mkey, "incr", incremented);
            if (value >= 0) {
                return value;
            }
            if (isOneOf(incremented.getStatus(), StatusCode.ERR_DELTA_BADVAL)) {
                throw new CorruptEntryException(
                        key, "holds a value that is not a counter (memcached " + server(mkey) + " cannot incr it)");
            }
            if (!isOneOf(incremented.getStatus(), StatusCode.ERR_NOT_FOUND)) {
                throw refused(key, mkey, "incr", 0, incremented.getStatus());
            }
            // Absent: create it at 1. If another client created it first, increment theirs.
            if (setIfAbsent(key, ONE, NO_EXPIRY)) {
                return 1;
            }
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * The item size limit this store was configured with (the server's {@code -I}).
     *
     * @return the limit in bytes, item overhead included
     */
    public int maxItemSize() {
        return maxItemSize;
    }

    /** Shuts the client down if this store created it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsClient) {
            client.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Waits until the client is connected to every server.
     *
     * @param wait how long to wait at most
     * @param authenticating whether the client logs in, so a refused login may be the cause
     * @throws StoreException naming the servers still not connected
     */
    void awaitConnected(Duration wait, boolean authenticating) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> down = new ArrayList<>();
            for (MemcachedNode node : locator.getAll()) {
                if (!node.isActive()) {
                    down.add(address(node.getSocketAddress()));
                }
            }
            if (down.isEmpty()) {
                if (authenticating) {
                    checkLogin();
                }
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new StoreException(
                        "could not connect to memcached " + String.join(",", down) + " within " + wait.toMillis()
                                + " ms; check that the server runs and the address is right"
                                + (authenticating ? ", and that it accepts the user and password" : ""),
                        null);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while connecting to " + description, e);
            }
        }
    }

    /**
     * Fails unless every server accepted the client's login. The connection is up before the
     * login is checked, and memcached answers some commands without one, so ask for something
     * that needs it: the servers' settings.
     */
    private void checkLogin() {
        Map<SocketAddress, Map<String, String>> settings;
        try {
            settings = client.getStats("settings");
        } catch (RuntimeException e) {
            throw new StoreException("could not log in to " + description + ": " + describe(e), e);
        }
        Set<String> refused = new TreeSet<>();
        for (MemcachedNode node : locator.getAll()) {
            Map<String, String> answer = settings.get(node.getSocketAddress());
            if (answer == null || answer.isEmpty()) {
                refused.add(address(node.getSocketAddress()));
            }
        }
        if (!refused.isEmpty()) {
            throw new StoreException(
                    "memcached " + String.join(",", refused) + " did not accept the login (SASL PLAIN); check the"
                            + " user and password, and that the server runs with -S",
                    null);
        }
    }

    /**
     * The server that holds a key.
     *
     * @param key a store key
     * @return its server's {@code host:port}
     */
    String serverOf(String key) {
        return server(MemcachedKeys.toMemcached(key));
    }

    private String toMemcached(String key) {
        checkOpen();
        return MemcachedKeys.toMemcached(key);
    }

    private void checkValueSize(String key, byte[] value) {
        Objects.requireNonNull(value, "value");
        int limit = capabilities.maxValueBytes();
        if (value.length > limit) {
            throw new IllegalArgumentException("the value for key '" + shown(key) + "' is " + value.length
                    + " bytes, over the limit of " + limit + " bytes of " + description
                    + " (item size " + maxItemSize + " less " + ITEM_OVERHEAD_BYTES
                    + " bytes of item overhead; set the store's maxItemSize to the server's -I); nothing was written");
        }
    }

    private <T> T await(String key, String mkey, String operation, Supplier<? extends Future<T>> call) {
        return await(key, mkey, operation, submit(key, mkey, operation, call));
    }

    private <F extends Future<?>> F submit(String key, String mkey, String operation, Supplier<F> call) {
        checkOpen();
        try {
            return call.get();
        } catch (UnsupportedOperationException e) {
            throw new StoreException(
                    operation + " of key '" + shown(key) + "' is not supported by this client of memcached "
                            + server(mkey) + ": build the MemcachedClient with the binary protocol"
                            + " (ConnectionFactoryBuilder.setProtocol(Protocol.BINARY))",
                    e);
        } catch (RuntimeException e) {
            throw new StoreException(
                    operation + " of key '" + shown(key) + "' failed on memcached " + server(mkey) + ": " + describe(e),
                    e);
        }
    }

    private <T> T await(String key, String mkey, String operation, Future<T> future) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new StoreException(
                    operation + " of key '" + shown(key) + "' on memcached " + server(mkey) + " was interrupted", e);
        } catch (TimeoutException e) {
            throw new StoreException(
                    operation + " of key '" + shown(key) + "' timed out after " + timeoutMillis + " ms on memcached "
                            + server(mkey),
                    e);
        } catch (ExecutionException e) {
            throw new StoreException(
                    operation + " of key '" + shown(key) + "' failed on memcached " + server(mkey) + ": "
                            + describe(e.getCause()),
                    e.getCause());
        } catch (RuntimeException e) {
            throw new StoreException(
                    operation + " of key '" + shown(key) + "' failed on memcached " + server(mkey) + ": " + describe(e),
                    e);
        }
    }

    private StoreException refused(String key, String mkey, String operation, int bytes, OperationStatus status) {
        if (isOneOf(status, StatusCode.ERR_2BIG)) {
            return new StoreException(
                    "memcached " + server(mkey) + " refused " + operation + " of key '" + shown(key) + "' ("
                            + bytes + " bytes) as too large: its item size limit (-I) is below the " + maxItemSize
                            + " bytes this store was configured with; set maxItemSize to the server's -I"
                            + " (memcached drops the key's previous value when it refuses a set)",
                    null);
        }
        String reason = status == null
                ? "no answer"
                : isOneOf(status, StatusCode.CANCELLED) ? describe(new CancellationException()) : status.getMessage();
        return new StoreException(
                "memcached " + server(mkey) + " refused " + operation + " of key '" + shown(key) + "': " + reason,
                null);
    }

    private static StoreException addFailure(StoreException first, StoreException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static boolean isOneOf(OperationStatus status, StatusCode... codes) {
        if (status == null) {
            return false;
        }
        StatusCode code = status.getStatusCode();
        for (StatusCode candidate : codes) {
            if (candidate == code) {
                return true;
            }
        }
        return false;
    }

    private String server(String mkey) {
        try {
            return address(locator.getPrimary(mkey).getSocketAddress());
        } catch (RuntimeException e) {
            return description;
        }
    }

    private String servers(Collection<String> mkeys) {
        Set<String> addresses = new TreeSet<>();
        for (String mkey : mkeys) {
            addresses.add(server(mkey));
        }
        return String.join(",", addresses);
    }

    private String serversOf(Collection<Operation> operations) {
        Set<String> addresses = new TreeSet<>();
        for (Operation operation : operations) {
            MemcachedNode node = operation.getHandlingNode();
            if (node != null) {
                addresses.add(address(node.getSocketAddress()));
            }
        }
        return addresses.isEmpty() ? description : String.join(",", addresses);
    }

    private static String describe(Throwable failure) {
        if (failure instanceof CancellationException || (failure != null && "Cancelled".equals(failure.getMessage()))) {
            return "cancelled: the server is not connected (the client fails calls for a lost server"
                    + " until it reconnects)";
        }
        if (failure == null) {
            return "unknown failure";
        }
        return failure.getMessage() != null
                ? failure.getMessage()
                : failure.getClass().getSimpleName();
    }

    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    private static String shown(String key) {
        return key.length() <= 120 ? key : key.substring(0, 100) + "...(" + key.length() + " chars)";
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(description + " store is closed");
        }
    }

    static int checkItemSize(int maxItemSize) {
        if (maxItemSize <= ITEM_OVERHEAD_BYTES * 2 || maxItemSize > LARGEST_ITEM_SIZE) {
            throw new IllegalArgumentException("maxItemSize must be between " + (ITEM_OVERHEAD_BYTES * 2 + 1)
                    + " bytes and 1024m (memcached's largest -I), was " + maxItemSize);
        }
        return maxItemSize;
    }

    /** Assembles a {@link MemcachedStore} over a caller's client. */
    public static final class Builder {
        private final MemcachedClient client;
        private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;
        private Duration connectWait;

        private Builder(MemcachedClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /**
         * Sets the servers' item size limit, as given to memcached with {@code -I} (default 1 MiB).
         * Values up to this size less {@value #ITEM_OVERHEAD_BYTES} bytes are accepted.
         *
         * @param bytes the limit in bytes
         * @return this builder
         * @throws IllegalArgumentException if the limit is not between 1025 bytes and 1024 MiB
         */
        public Builder maxItemSize(int bytes) {
            this.maxItemSize = checkItemSize(bytes);
            return this;
        }

        /**
         * Waits at most this long, when building, for the client to connect to every server
         * (default: the client's operation timeout).
         *
         * @param wait a positive duration
         * @return this builder
         */
        public Builder connectWait(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("connectWait must be positive, was " + wait);
            }
            this.connectWait = wait;
            return this;
        }

        /**
         * Builds the store, once the client is connected to every server.
         *
         * @return the store; closing it leaves the client open
         * @throws StoreException if a server is not connected within the connect wait
         */
        public MemcachedStore build() {
            MemcachedStore store = new MemcachedStore(client, false, maxItemSize);
            store.awaitConnected(
                    connectWait != null ? connectWait : Duration.ofMillis(client.getOperationTimeout()), false);
            return store;
        }
    }
}
