package dev.cachekit.core;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.CacheListener;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.RefreshAhead;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.codec.Codec;
import dev.cachekit.codec.KryoCodec;
import dev.cachekit.internal.Durations;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.UriOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * Assembles a {@link Cache}: from a URI (as {@link Caches#open(String)} does) or from a {@link
 * Backend} the caller built around its own client, plus codec, prefix and TTLs.
 *
 * <p>A setting made on the builder wins over the same option in the URI, which wins over the
 * default (the defaults are listed on {@link Cache}). Not thread-safe; build once.
 */
public final class CacheBuilder {

    /** Default key prefix. */
    public static final String DEFAULT_PREFIX = "cachekit:";
    /** Default TTL of an entry. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(2);
    /** Default TTL of a cached null. */
    public static final Duration DEFAULT_NULL_TTL = Duration.ofMinutes(1);
    /** Default touch window: zero, so reads never extend entries unless asked to. */
    public static final Duration DEFAULT_TOUCH_WINDOW = Duration.ZERO;
    /** Default lease of a load lock. */
    public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(30);
    /** Default time {@code getOrLoad} waits for another caller's load. */
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(30);
    /** Threads of the cache's own executor for async calls and refreshes. */
    public static final int DEFAULT_EXECUTOR_THREADS = 8;
    /** Tasks the cache's own executor queues before it refuses more. */
    public static final int DEFAULT_EXECUTOR_QUEUE = 10_000;

    private String uri;

    private Backend backend;
    private Codec codec;
    private String prefix;
    private Duration defaultTtl;
    private Duration nullTtl;
    private Duration touchWindow;
    private Duration lockLease;
    private Duration loadTimeout;
    private LoadTimeoutPolicy loadTimeoutPolicy;
    private StoreErrorPolicy storeErrorPolicy;
    private Clock clock = Clock.systemUTC();
    private Executor touchExecutor;
    private CacheListener listener = CacheListener.NONE;
    private Executor executor;
    private RefreshAhead refreshAhead;
    private Double ttlJitter;
    private Boolean cacheAbsent;

    CacheBuilder() {}

    /**
     * Opens the backend from a URI ({@code redis://host:6379?prefix=shop:}).
     *
     * @param uri the cache URI
     * @return this builder
     */
    public CacheBuilder uri(String uri) {
        this.uri = Objects.requireNonNull(uri, "uri");
        return this;
    }

    /**
     * Uses a backend the caller assembled (around its own Jedis pool, memcached client, Hazelcast
     * instance); closed with the cache.
     *
     * @param backend the backend
     * @return this builder
     */
    public CacheBuilder backend(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /**
     * Uses a store with the default tagger and a polling locker.
     *
     * @param store the store
     * @return this builder
     */
    public CacheBuilder store(Store store) {
        return backend(Backend.of(store));
    }

    /**
     * Sets the codec (default: {@link KryoCodec} with its default allow-list).
     *
     * @param codec the codec
     * @return this builder
     */
    public CacheBuilder codec(Codec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
        return this;
    }

    /**
     * Sets the prefix of every key this cache writes (default {@value #DEFAULT_PREFIX}); caches
     * with different prefixes on one store never see each other's entries.
     *
     * @param prefix the prefix, possibly empty
     * @return this builder
     */
    public CacheBuilder keyPrefix(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        return this;
    }

    /**
     * Sets the TTL of entries written without one (default 2 hours).
     *
     * @param ttl from 1ms to 365000d (a thousand years), or {@link Cache#FOREVER}
     * @throws IllegalArgumentException if out of that range, naming the largest accepted value
     * @return this builder
     */
    public CacheBuilder defaultTtl(Duration ttl) {
        this.defaultTtl = Durations.ttl(ttl, "defaultTtl");
        return this;
    }

    /**
     * Sets the TTL of cached nulls (default 1 minute).
     *
     * @param ttl from 1ms to 365000d (a thousand years), or {@link Cache#FOREVER}
     * @throws IllegalArgumentException if out of that range, naming the largest accepted value
     * @return this builder
     */
    public CacheBuilder nullTtl(Duration ttl) {
        this.nullTtl = Durations.ttl(ttl, "nullTtl");
        return this;
    }

    /**
     * Turns on sliding expiry, where reads extend hot entries (default {@link Duration#ZERO}: off).
     * A read that finds an entry within {@code window} of expiring extends it by its TTL, in the
     * background, without blocking the read. Applies to entries whose TTL is longer than the
     * window. Off by default because an entry that is read often then never expires, so it is never
     * refreshed from its source unless a tag flush or a remove drops it.
     *
     * @param window from 0s (off) to 365000d
     * @throws IllegalArgumentException if out of that range, naming the largest accepted value
     * @return this builder
     */
    public CacheBuilder touchWindow(Duration window) {
        this.touchWindow = Durations.range(window, "touchWindow", Duration.ZERO, Durations.MAX_TTL);
        return this;
    }

    /**
     * Sets the lease of load locks (default 30 seconds). The loading caller renews it every third
     * of the lease; if that caller dies, the lock frees itself when the lease ends.
     *
     * @param lease from 1ms to 365d
     * @throws IllegalArgumentException if out of that range, naming the largest accepted value
     * @return this builder
     */
    public CacheBuilder lockLease(Duration lease) {
        this.lockLease = Durations.range(lease, "lockLease", Duration.ofMillis(1), Durations.MAX_WAIT);
        return this;
    }

    /**
     * Sets how long {@code getOrLoad} waits for another caller's load (default 30 seconds).
     *
     * @param timeout from 1ms to 365d
     * @throws IllegalArgumentException if out of that range, naming the largest accepted value
     * @return this builder
     */
    public CacheBuilder loadTimeout(Duration timeout) {
        this.loadTimeout = Durations.range(timeout, "loadTimeout", Duration.ofMillis(1), Durations.MAX_WAIT);
        return this;
    }

    /**
     * Sets what happens when the load timeout passes (default {@link LoadTimeoutPolicy#FAIL}).
     *
     * @param policy the policy
     * @return this builder
     */
    public CacheBuilder loadTimeoutPolicy(LoadTimeoutPolicy policy) {
        this.loadTimeoutPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Sets what {@code getOrLoad} does when the store fails (default {@link StoreErrorPolicy#FAIL};
     * URI option {@code onStoreError=fail|load}).
     *
     * @param policy the policy
     * @return this builder
     */
    public CacheBuilder storeErrorPolicy(StoreErrorPolicy policy) {
        this.storeErrorPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Sets the clock that stamps entries' write and expiry times (default: the system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public CacheBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Sets where background touches run (default: the cache's own daemon thread behind a queue of
     * 64 touches; touches beyond it are dropped, since a touch is only an optimisation). The cache
     * neither shuts down nor waits for an executor given here. A touch the executor rejects is
     * dropped. {@code Runnable::run} touches within the read, which tests use to observe it.
     *
     * @param executor the executor
     * @return this builder
     */
    public CacheBuilder touchExecutor(Executor executor) {
        this.touchExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Sets the listener that hears every operation: reads and their outcome, writes, removals,
     * flushes, each step of a load, waits and store errors, with durations (default: none).
     *
     * @param listener the listener
     * @return this builder
     */
    public CacheBuilder listener(CacheListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Sets where async calls and refresh-ahead reloads run (default: the cache's own pool of
     * {@value #DEFAULT_EXECUTOR_THREADS} daemon threads behind a queue of {@value
     * #DEFAULT_EXECUTOR_QUEUE} tasks, shut down by {@link Cache#close()}; a call beyond the queue
     * completes exceptionally with a {@link dev.cachekit.CacheException} saying the executor is
     * saturated, and a refresh beyond it is skipped). Never the common pool: the calls block on
     * network I/O. The cache neither shuts down nor waits for an executor given here.
     *
     * @param executor the executor
     * @return this builder
     */
    public CacheBuilder executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Sets the refresh-ahead rule of {@code getOrLoad} and {@code getOrLoadAll} reads (default
     * {@link RefreshAhead#off()}; URI option {@code refreshAhead=off|0.8|80%|xfetch|xfetch:<beta>}).
     *
     * @param rule the rule
     * @return this builder
     */
    public CacheBuilder refreshAhead(RefreshAhead rule) {
        this.refreshAhead = Objects.requireNonNull(rule, "rule");
        return this;
    }

    /**
     * Spreads each write's TTL by up to this fraction, shortening it by a random amount, so entries
     * written together do not expire together (default 0: off; URI option {@code ttlJitter=10%} or
     * {@code ttlJitter=0.1}). Applies to every write with a TTL, null TTLs included, never to
     * {@link Cache#FOREVER}; a TTL never drops below 1 ms. A {@code putAll} gives each entry its own
     * expiry (the one every read checks) and the store the longest TTL of the batch, so it stays one
     * multi-set.
     *
     * @param fraction from 0 to 0.5
     * @return this builder
     * @throws IllegalArgumentException if out of that range
     */
    public CacheBuilder ttlJitter(double fraction) {
        this.ttlJitter = checkJitter(fraction);
        return this;
    }

    /**
     * Whether {@code getOrLoadAll} caches a null for each key its bulk loader did not return, as a
     * loaded null is cached (default {@code false}: such keys are left uncached, so the next call
     * asks the loader again; URI option {@code cacheAbsent=true|false}).
     *
     * @param cache whether to cache absent keys
     * @return this builder
     */
    public CacheBuilder cacheAbsent(boolean cache) {
        this.cacheAbsent = cache;
        return this;
    }

    /**
     * Builds the cache, opening the backend if a URI was given.
     *
     * @return the cache
     * @throws IllegalStateException if neither or both of a URI and a backend were given
     * @throws CacheConfigurationException if the URI's scheme or an option is unknown or malformed
     * @throws dev.cachekit.StoreException if the server cannot be reached
     */
    public Cache build() {
        if ((uri == null) == (backend == null)) {
            throw new IllegalStateException(
                    uri == null
                            ? "give the cache a backend: Caches.builder().uri(\"memory:\") or .backend(...)"
                            : "give the cache either a URI or a backend, not both");
        }
        if (backend != null) {
            return new DefaultCache(backend, settings(null), codec != null ? codec : KryoCodec.create());
        }
        URI parsed = Providers.parse(uri);
        UriOptions options = UriOptions.of(parsed);
        DefaultCache.Settings settings = settings(options);
        Backend opened = Providers.forUri(parsed).open(parsed, options);
        try {
            options.requireAllTaken();
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return new DefaultCache(opened, settings, codec != null ? codec : KryoCodec.create());
    }

    private DefaultCache.Settings settings(UriOptions options) {
        String p = prefix;
        Duration ttl = defaultTtl;
        Duration nTtl = nullTtl;
        Duration window = touchWindow;
        Duration lease = lockLease;
        Duration timeout = loadTimeout;
        LoadTimeoutPolicy policy = loadTimeoutPolicy;
        StoreErrorPolicy onStoreError = storeErrorPolicy;
        RefreshAhead refresh = refreshAhead;
        Double jitter = ttlJitter;
        Boolean absent = cacheAbsent;
        if (options != null) {
            String refreshText = options.take("refreshAhead", null);
            if (refresh == null && refreshText != null) {
                try {
                    refresh = RefreshAhead.parse(refreshText);
                } catch (IllegalArgumentException e) {
                    throw new CacheConfigurationException(e.getMessage() + " in " + UriOptions.redact(uri));
                }
            }
            String jitterText = options.take("ttlJitter", null);
            if (jitter == null && jitterText != null) {
                jitter = parseJitter(jitterText);
            }
            absent = pick(
                    absent,
                    options.takeChoice("cacheAbsent", Map.of("true", Boolean.TRUE, "false", Boolean.FALSE))
                            .orElse(null));
            p = pick(p, options.take("prefix", null));
            ttl = pick(ttl, ttlOption(options, "ttl"));
            nTtl = pick(nTtl, ttlOption(options, "nullTtl"));
            window = pick(window, options.takeDuration("touchWindow", null, Duration.ZERO, Durations.MAX_TTL));
            lease = pick(lease, options.takeDuration("lockLease", null, Duration.ofMillis(1), Durations.MAX_WAIT));
            timeout =
                    pick(timeout, options.takeDuration("loadTimeout", null, Duration.ofMillis(1), Durations.MAX_WAIT));
            policy = pick(
                    policy,
                    options.takeChoice(
                                    "onLoadTimeout",
                                    Map.of("fail", LoadTimeoutPolicy.FAIL, "load", LoadTimeoutPolicy.LOAD_ANYWAY))
                            .orElse(null));
            onStoreError = pick(
                    onStoreError,
                    options.takeChoice(
                                    "onStoreError",
                                    Map.of("fail", StoreErrorPolicy.FAIL, "load", StoreErrorPolicy.LOAD))
                            .orElse(null));
        }
        return new DefaultCache.Settings(
                pick(p, DEFAULT_PREFIX),
                pick(ttl, DEFAULT_TTL),
                pick(nTtl, DEFAULT_NULL_TTL),
                pick(window, DEFAULT_TOUCH_WINDOW),
                pick(lease, DEFAULT_LOCK_LEASE),
                pick(timeout, DEFAULT_LOAD_TIMEOUT),
                pick(policy, LoadTimeoutPolicy.FAIL),
                pick(onStoreError, StoreErrorPolicy.FAIL),
                clock,
                touchExecutor,
                listener,
                executor,
                pick(refresh, RefreshAhead.off()),
                pick(jitter, 0.0),
                pick(absent, Boolean.FALSE));
    }

    private static double checkJitter(double fraction) {
        if (!(fraction >= 0 && fraction <= 0.5)) {
            throw new IllegalArgumentException(
                    "ttlJitter takes a fraction from 0 to 0.5 (0.1 or 10%), was " + fraction);
        }
        return fraction;
    }

    /** A jitter fraction as a URI writes it: ASCII digits with an optional fraction, then an optional '%'. */
    private static final Pattern JITTER = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,6})?%?");

    private double parseJitter(String text) {
        if (JITTER.matcher(text).matches()) {
            double value = text.endsWith("%")
                    ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
                    : Double.parseDouble(text);
            if (value >= 0 && value <= 0.5) {
                return value;
            }
        }
        throw new CacheConfigurationException("option 'ttlJitter=" + Printable.escape(text) + "' in "
                + UriOptions.redact(uri) + " must be a fraction from 0 to 0.5, written 0.1 or 10%");
    }

    private Duration ttlOption(UriOptions options, String name) {
        Duration value = options.takeDuration(name, null);
        try {
            return value == null ? null : Durations.ttl(value, "option " + name);
        } catch (IllegalArgumentException e) {
            throw new CacheConfigurationException(e.getMessage() + " in " + UriOptions.redact(uri));
        }
    }

    private static <T> T pick(T first, T second) {
        return first != null ? first : second;
    }
}
