package dev.cachekit.spi;

import dev.cachekit.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Locker} that works over any {@link Store}: acquire is {@link Store#setIfAbsent} of a
 * random owner token with the lease as TTL; release is {@link Store#compareAndDelete} on the token,
 * then the signal; renew is {@link Store#compareAndSet} of the token onto itself with a new TTL. A
 * backend may supply faster {@link LockCommands} for the same steps.
 *
 * <h2>Fencing tokens</h2>
 *
 * A fenced acquisition writes {@code max(counter + 1, clock)} to the counter (no TTL), where {@code
 * clock} is a reading in microseconds since the epoch. While the counter exists the tokens simply
 * grow; if it is lost (evicted, deleted, the server restarted empty), the next token restarts from
 * the clock, above every token issued before, <em>provided</em> the clock read now is ahead of the
 * clock read when the last token was issued: the clock must not step back, and where several
 * clocks are read (one per client), they must agree to within the time between the last
 * acquisition before the loss and the first after it. Acquisitions of one name are far fewer than
 * one per microsecond, so the counter never runs ahead of the clock by more than a few steps. The
 * generic counter costs two round trips (read, then compare-and-set); the clock is this process's
 * unless the backend passes a better one (a server or cluster clock).
 *
 * <h2>Waiting</h2>
 *
 * Waiters of this process for one lock queue here behind a turn, and only the thread that holds the
 * turn contends in the store. A thread that takes the lock keeps the turn until it releases the
 * lock (or a renewal finds it lost), so while a thread of this process holds the lock the others
 * send nothing; the release passes the turn on, and a thread arriving while the turn is free takes
 * it at once. The turn saves commands only: the store alone decides who holds the lock, and a
 * waiter stops waiting for the turn once the local holder's lease has run out by this process's
 * clock. The first in line waits for a release from another process through the {@link
 * LockSignal}, trying again after subscribing; without a signal it polls with jittered {@link
 * Backoff}.
 *
 * <h2>Calls whose outcome is unknown</h2>
 *
 * A call that fails with a {@link StoreException} (a client timeout while the server stalls, a
 * connection lost after the command was sent) may still be applied by the server later: an
 * acquisition would then hold the lock for a whole lease with no owner that knows. So an
 * acquisition or a release that fails so is followed by an owner-checked delete of the token it
 * sent, made in the background on one daemon thread shared by the process and retried (50 ms,
 * doubling to 1 s) until the store answers or the lease is over; the caller still gets the
 * exception at once. A renewal that fails so needs no cleanup: the holder still holds the lock, and
 * releases it or {@linkplain #abandon abandons} it.
 *
 * <p>Thread-safe.
 */
public final class StoreLocker implements Locker {

    private static final LongSupplier SYSTEM_CLOCK_MICROS = () -> {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    };

    /** This process's part of every owner token: 128 random bits, drawn once. */
    private static final String PROCESS_ID = processId();

    private static final AtomicLong OWNER_SEQUENCE = new AtomicLong();

    private static final Logger LOG = LoggerFactory.getLogger(StoreLocker.class);

    /** Delay of the first background cleanup of a lock whose outcome is unknown; doubled per retry. */
    private static final long FIRST_CLEANUP_DELAY_MILLIS = 50;

    private static final long MAX_CLEANUP_DELAY_MILLIS = 1_000;

    /** The longest a cleanup is retried, whatever the lease: past it, the store is gone for good. */
    private static final Duration MAX_CLEANUP = Duration.ofHours(1);

    /**
     * The background cleanups of every locker in the process: one daemon thread, which ends when
     * there is nothing to clean up.
     */
    private static final ScheduledThreadPoolExecutor CLEANUPS = cleanups();

    /** The longest a waiter waits for the turn before it looks at the holder's lease again. */
    private static final long TURN_SLICE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LockCommands commands;
    private final LockSignal signal;
    private final LockWaiters local = LockWaiters.inProcess();
    private final ConcurrentHashMap<String, Line> lines = new ConcurrentHashMap<>();
    /** The lines whose turn a held lock keeps, by the lock's owner token. */
    private final ConcurrentHashMap<String, Line> turns = new ConcurrentHashMap<>();

    /**
     * Creates a locker whose waiters poll with backoff.
     *
     * @param store the store
     */
    public StoreLocker(Store store) {
        this(store, null);
    }

    /**
     * Creates a locker that wakes waiters through {@code signal}, fencing with this process's clock.
     *
     * @param store the store
     * @param signal the wake-up channel, or {@code null} to poll
     */
    public StoreLocker(Store store, LockSignal signal) {
        this(store, signal, SYSTEM_CLOCK_MICROS);
    }

    /**
     * Creates a locker that wakes waiters through {@code signal} and fences with {@code
     * clockMicros}.
     *
     * @param store the store
     * @param signal the wake-up channel, or {@code null} to poll
     * @param clockMicros microseconds since the epoch, from the best clock the backend has
     */
    public StoreLocker(Store store, LockSignal signal, LongSupplier clockMicros) {
        this(new StoreLockCommands(store, signal, clockMicros), signal);
    }

    /**
     * Creates a locker over a backend's own lock commands.
     *
     * @param commands the commands; their release signals the other processes
     * @param signal the channel waiters subscribe to, or {@code null} to poll
     */
    public StoreLocker(LockCommands commands, LockSignal signal) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.signal = signal;
    }

    /**
     * This process's clock in microseconds since the epoch, the default fencing clock.
     *
     * @return the clock
     */
    public static LongSupplier systemClockMicros() {
        return SYSTEM_CLOCK_MICROS;
    }

    @Override
    public Optional<LockLease> tryAcquire(String key, Duration lease) {
        Objects.requireNonNull(key, "key");
        long leaseMillis = LockWaiters.leaseMillis(lease, "lease");
        String owner = newOwner();
        long sent = System.nanoTime();
        boolean acquired;
        try {
            acquired = commands.acquire(key, owner.getBytes(StandardCharsets.US_ASCII), leaseMillis);
        } catch (StoreException e) {
            cleanUpLater(new LockLease(key, owner, LockLease.UNFENCED, sent), leaseMillis);
            throw e;
        }
        return acquired ? Optional.of(new LockLease(key, owner, LockLease.UNFENCED, sent)) : Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@link LockCommands#acquireAll} call (over a {@link Store}: one {@link
     * Store#setIfAbsentAll}), each lock with its own owner token. If it fails with a {@link
     * StoreException}, every lock it may have taken is cleaned up in the background, as for {@link
     * #tryAcquire}.
     */
    @Override
    public java.util.List<Optional<LockLease>> tryAcquireAll(java.util.List<String> keys, Duration lease) {
        Objects.requireNonNull(keys, "keys");
        long leaseMillis = LockWaiters.leaseMillis(lease, "lease");
        java.util.Map<String, byte[]> owners = new java.util.LinkedHashMap<>();
        java.util.List<String> tokens = new java.util.ArrayList<>(keys.size());
        for (String key : keys) {
            Objects.requireNonNull(key, "key");
            String owner = newOwner();
            if (owners.put(key, owner.getBytes(StandardCharsets.US_ASCII)) != null) {
                throw new IllegalArgumentException("lock key " + key + " is given twice; the keys must be distinct");
            }
            tokens.add(owner);
        }
        if (keys.isEmpty()) {
            return new java.util.ArrayList<>();
        }
        long sent = System.nanoTime();
        java.util.List<Boolean> acquired;
        try {
            acquired = commands.acquireAll(owners, leaseMillis);
        } catch (StoreException e) {
            for (int i = 0; i < keys.size(); i++) {
                cleanUpLater(new LockLease(keys.get(i), tokens.get(i), LockLease.UNFENCED, sent), leaseMillis);
            }
            throw e;
        }
        if (acquired.size() != keys.size()) {
            throw new IllegalStateException(commands.getClass().getName() + ".acquireAll answered " + acquired.size()
                    + " results for " + keys.size() + " locks");
        }
        java.util.List<Optional<LockLease>> leases = new java.util.ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            leases.add(
                    Boolean.TRUE.equals(acquired.get(i))
                            ? Optional.of(new LockLease(keys.get(i), tokens.get(i), LockLease.UNFENCED, sent))
                            : Optional.empty());
        }
        return leases;
    }

    @Override
    public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fenceKey, "fenceKey");
        long leaseMillis = LockWaiters.leaseMillis(lease, "lease");
        String owner = newOwner();
        long sent = System.nanoTime();
        long token;
        try {
            token = commands.acquireFenced(key, fenceKey, owner.getBytes(StandardCharsets.US_ASCII), leaseMillis);
        } catch (StoreException e) {
            cleanUpLater(new LockLease(key, owner, LockLease.UNFENCED, sent), leaseMillis);
            throw e;
        }
        return token > 0 ? Optional.of(new LockLease(key, owner, token, sent)) : Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * <p>A release that fails with a {@link StoreException} may still have been applied, or may be
     * applied once the store answers again: either way it is retried in the background (as {@link
     * #abandon}) before the exception is thrown, so the lock does not wait out its lease.
     */
    @Override
    public boolean release(LockLease lease) {
        boolean released;
        try {
            released = commands.release(lease.key(), token(lease));
            if (released) {
                local.publish(lease.key());
            }
        } catch (StoreException e) {
            cleanUpLater(lease, Long.MAX_VALUE);
            throw e;
        } finally {
            passTurn(lease);
        }
        return released;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@link LockCommands#releaseAll} call for leases of distinct locks (the loop of {@link
     * #release} otherwise). If it fails with a {@link StoreException}, every lock is cleaned up in
     * the background before the exception is thrown, as for {@link #release}.
     */
    @Override
    public java.util.List<Boolean> releaseAll(java.util.List<LockLease> leases) {
        java.util.Map<String, byte[]> owners = new java.util.LinkedHashMap<>();
        for (LockLease lease : leases) {
            if (owners.put(lease.key(), token(lease)) != null) {
                return Locker.super.releaseAll(leases);
            }
        }
        if (leases.isEmpty()) {
            return new java.util.ArrayList<>();
        }
        java.util.List<Boolean> released;
        try {
            released = commands.releaseAll(owners);
            if (released.size() != leases.size()) {
                throw new IllegalStateException(commands.getClass().getName() + ".releaseAll answered "
                        + released.size() + " results for " + leases.size() + " locks");
            }
            for (int i = 0; i < leases.size(); i++) {
                if (Boolean.TRUE.equals(released.get(i))) {
                    local.publish(leases.get(i).key());
                }
            }
        } catch (StoreException e) {
            for (LockLease lease : leases) {
                cleanUpLater(lease, Long.MAX_VALUE);
            }
            throw e;
        } finally {
            for (LockLease lease : leases) {
                passTurn(lease);
            }
        }
        return released;
    }

    @Override
    public void abandon(LockLease lease, Duration duration) {
        long leaseMillis = LockWaiters.leaseMillis(duration, "duration");
        passTurn(lease);
        cleanUpLater(lease, leaseMillis);
    }

    /**
     * Deletes {@code lease}'s token (owner-checked) in the background, retrying while the store
     * fails, until it answers or a lease (plus a second for the store's clock) has passed since
     * now; the key has then expired on its own.
     *
     * @param leaseMillis the lease, or {@link Long#MAX_VALUE} if unknown here (then retried for
     *     {@link #MAX_CLEANUP} from now)
     */
    private void cleanUpLater(LockLease lease, long leaseMillis) {
        // From now, not from the acquisition: a renewal sent since may reach the store as late as now.
        long giveUpAt = System.nanoTime()
                + (leaseMillis == Long.MAX_VALUE
                        ? MAX_CLEANUP.toNanos()
                        : TimeUnit.MILLISECONDS.toNanos(Math.min(leaseMillis, MAX_CLEANUP.toMillis()) + 1_000));
        scheduleCleanup(lease, giveUpAt, FIRST_CLEANUP_DELAY_MILLIS);
    }

    private void scheduleCleanup(LockLease lease, long giveUpAt, long delayMillis) {
        try {
            CLEANUPS.schedule(() -> cleanUp(lease, giveUpAt, delayMillis), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.warn("could not schedule the cleanup of lock {}; it frees itself when its lease ends", lease.key());
        }
    }

    private void cleanUp(LockLease lease, long giveUpAt, long delayMillis) {
        try {
            if (commands.release(lease.key(), token(lease))) {
                local.publish(lease.key());
                LOG.debug("cleaned up lock {}: a call whose outcome was unknown had left it held", lease.key());
            }
        } catch (StoreException e) {
            if (System.nanoTime() - giveUpAt < 0) {
                scheduleCleanup(lease, giveUpAt, Math.min(delayMillis * 2, MAX_CLEANUP_DELAY_MILLIS));
            } else {
                LOG.debug("gave up cleaning up lock {}: its lease is over", lease.key());
            }
        } catch (RuntimeException e) {
            // The client is closed, or the store refuses: the lock frees itself when its lease ends.
            LOG.debug("could not clean up lock {}; it frees itself when its lease ends", lease.key(), e);
        }
    }

    @Override
    public boolean renew(LockLease lease, Duration extension) {
        long extensionMillis = LockWaiters.leaseMillis(extension, "extension");
        long sent = System.nanoTime();
        boolean renewed = commands.renew(lease.key(), token(lease), extensionMillis);
        Line line = turns.get(lease.ownerToken());
        if (!renewed) {
            passTurn(lease); // lost: this holder will not release, so its turn goes to the next in line now
        } else if (line != null) {
            line.holderExpires = sent + TimeUnit.MILLISECONDS.toNanos(extensionMillis);
        }
        return renewed;
    }

    /** Gives up the turn {@code lease} holds, if it holds one; at most once per lease. */
    private void passTurn(LockLease lease) {
        Line line = turns.remove(lease.ownerToken());
        if (line != null) {
            line.held = false;
            line.turn.release();
            leave(lease.key());
        }
    }

    private void leave(String key) {
        lines.computeIfPresent(key, (k, l) -> --l.users == 0 ? null : l);
    }

    @Override
    public boolean signalsRelease() {
        return signal != null;
    }

    @Override
    public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        long nanos = LockWaiters.nanosLeft(LockWaiters.deadline(maxWait));
        CountDownLatch released = new CountDownLatch(1);
        // A release by this process arrives through `local` at once, with or without a signal.
        try (LockSignal.Subscription mine = local.subscribe(key, released::countDown);
                LockSignal.Subscription others = signal != null ? signal.subscribe(key, released::countDown) : null) {
            // A release between the caller's failed try and the subscription reached nobody: look
            // once more now that we listen. Without a signal the caller looks when this returns.
            if (others != null && commands.isFree(key)) {
                return;
            }
            released.await(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public Optional<LockLease> acquire(String key, Duration lease, Duration timeout) throws InterruptedException {
        return acquireInLine(key, null, lease, timeout);
    }

    @Override
    public Optional<LockLease> acquireFenced(String key, String fenceKey, Duration lease, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(fenceKey, "fenceKey");
        return acquireInLine(key, fenceKey, lease, timeout);
    }

    private Optional<LockLease> once(String key, String fenceKey, Duration lease) {
        return fenceKey == null ? tryAcquire(key, lease) : tryAcquireFenced(key, fenceKey, lease);
    }

    /**
     * Takes this process's turn for the key (at once if it is free, else in line behind the other
     * waiters), then contends in the store. A turn taken with the lock is held until the lock is
     * released or lost, so while a thread of this process holds the lock, the others wait here
     * without a command; a release passes the turn on. The turn only saves commands: the store
     * alone decides who holds the lock. A waiter does not wait for the turn past the local holder's
     * lease (by this process's clock, counted from before its acquire was sent): a holder that
     * hangs past its lease no longer keeps the others of this process from the store.
     */
    private Optional<LockLease> acquireInLine(String key, String fenceKey, Duration lease, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(key, "key");
        long leaseNanos = TimeUnit.MILLISECONDS.toNanos(LockWaiters.leaseMillis(lease, "lease"));
        long deadline = LockWaiters.deadline(timeout);
        Line line = lines.compute(key, (k, existing) -> {
            Line l = existing != null ? existing : new Line();
            l.users++;
            return l;
        });
        boolean turn = false;
        LockLease acquired = null;
        try {
            // A newcomer takes a free turn at once, ahead of waiters not yet awake: no hand-over wait.
            turn = line.turn.tryAcquire();
            while (!turn) {
                long left = LockWaiters.nanosLeft(deadline);
                if (left <= 0) {
                    return Optional.empty();
                }
                long holderLeft = line.held ? line.holderExpires - System.nanoTime() : TURN_SLICE_NANOS;
                if (holderLeft <= 0) {
                    break; // the holder's lease ran out: contend without the turn
                }
                turn = line.turn.tryAcquire(
                        Math.min(left, Math.min(holderLeft, TURN_SLICE_NANOS)), TimeUnit.NANOSECONDS);
            }
            Line holder = turn ? line : null;
            acquired = firstInLine(key, fenceKey, lease, leaseNanos, deadline, holder);
            return Optional.ofNullable(acquired);
        } finally {
            if (acquired == null || !turn) {
                if (turn) {
                    line.turn.release();
                }
                leave(key);
            }
        }
    }

    /**
     * The first in line: one try; if the lock is held, listens for releases for as long as it
     * waits, and tries again after subscribing (a release between the failed try and the
     * subscription reached nobody), after every wake and after every wait. A release during a try
     * leaves a wake behind, so the next wait returns at once.
     *
     * @param turn the line whose turn this thread holds, kept with the lock; null if none
     * @return the lease, or null if the deadline passed
     */
    private LockLease firstInLine(
            String key, String fenceKey, Duration lease, long leaseNanos, long deadline, Line turn)
            throws InterruptedException {
        LockLease acquired = tryInTurn(key, fenceKey, lease, leaseNanos, turn);
        if (acquired != null) {
            return acquired;
        }
        Semaphore wakes = new Semaphore(0);
        Runnable wake = wakes::release;
        // A release by this process arrives through `local` at once, with or without a signal.
        try (LockSignal.Subscription mine = local.subscribe(key, wake);
                LockSignal.Subscription others = signal != null ? signal.subscribe(key, wake) : null) {
            Backoff backoff = new Backoff();
            while (true) {
                wakes.drainPermits();
                acquired = tryInTurn(key, fenceKey, lease, leaseNanos, turn);
                if (acquired != null) {
                    return acquired;
                }
                long left = LockWaiters.nanosLeft(deadline);
                if (left <= 0) {
                    return null;
                }
                Duration wait = signal != null ? Backoff.SIGNAL_SAFETY_WAIT : backoff.next();
                wakes.tryAcquire(Math.min(left, wait.toNanos()), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** One try; an acquired lock keeps {@code turn} (if any) until it is released or lost. */
    private LockLease tryInTurn(String key, String fenceKey, Duration lease, long leaseNanos, Line turn) {
        long sent = System.nanoTime();
        Optional<LockLease> acquired = once(key, fenceKey, lease);
        if (acquired.isEmpty()) {
            return null;
        }
        if (turn != null) {
            turn.holderExpires = sent + leaseNanos;
            turn.held = true;
            turns.put(acquired.get().ownerToken(), turn);
        }
        return acquired.get();
    }

    /**
     * A fresh owner token: this process's random 128-bit id and a sequence number. Unique like a
     * random UUID, without a {@link SecureRandom} draw (a lock shared by every thread) per
     * acquisition.
     */
    private static String newOwner() {
        return PROCESS_ID + Long.toHexString(OWNER_SEQUENCE.incrementAndGet());
    }

    private static ScheduledThreadPoolExecutor cleanups() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "cachekit-lock-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        executor.setKeepAliveTime(10, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static String processId() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random) + ':';
    }

    private static byte[] token(LockLease lease) {
        return lease.ownerToken().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * This process's queue for one lock key: a fair turn (which a newcomer may still take while it
     * is free), how many wait for it or hold it, and the lease of the holder that took the lock
     * with it.
     */
    private static final class Line {
        final Semaphore turn = new Semaphore(1, true);
        int users; // guarded by the map's compute
        volatile boolean held;
        volatile long holderExpires; // System.nanoTime() when the holder's lease ends; while held
    }
}
