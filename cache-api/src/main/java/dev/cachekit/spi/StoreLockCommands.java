package dev.cachekit.spi;

import dev.cachekit.CorruptEntryException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.LongSupplier;

/** {@link LockCommands} over any {@link Store}, as {@link StoreLocker} describes them. */
final class StoreLockCommands implements LockCommands {

    /** A counter that keeps changing under us is a bug or an attack; give up rather than spin. */
    private static final int FENCE_ATTEMPTS = 100;

    private final Store store;
    private final LockSignal signal;
    private final LongSupplier clockMicros;

    StoreLockCommands(Store store, LockSignal signal, LongSupplier clockMicros) {
        this.store = Objects.requireNonNull(store, "store");
        this.signal = signal;
        this.clockMicros = Objects.requireNonNull(clockMicros, "clockMicros");
    }

    @Override
    public boolean acquire(String key, byte[] owner, long leaseMillis) {
        return store.setIfAbsent(key, owner, leaseMillis);
    }

    @Override
    public java.util.List<Boolean> acquireAll(java.util.Map<String, byte[]> owners, long leaseMillis) {
        return store.setIfAbsentAll(owners, leaseMillis);
    }

    @Override
    public long acquireFenced(String key, String fenceKey, byte[] owner, long leaseMillis) {
        if (!store.setIfAbsent(key, owner, leaseMillis)) {
            return 0;
        }
        try {
            return nextToken(fenceKey);
        } catch (RuntimeException e) {
            // Without a fencing token the lock must not be handed out; give it back.
            try {
                release(key, owner);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private long nextToken(String fenceKey) {
        for (int attempt = 0; attempt < FENCE_ATTEMPTS; attempt++) {
            byte[] current = store.get(fenceKey);
            long next = Math.max(current == null ? 1 : parse(fenceKey, current) + 1, clockMicros.getAsLong());
            byte[] written = Long.toString(next).getBytes(StandardCharsets.US_ASCII);
            boolean swapped = current == null
                    ? store.setIfAbsent(fenceKey, written, Store.NO_EXPIRY)
                    : store.compareAndSet(fenceKey, current, written, Store.NO_EXPIRY);
            if (swapped) {
                return next;
            }
        }
        throw new IllegalStateException("the fencing counter " + fenceKey + " changed under each of " + FENCE_ATTEMPTS
                + " attempts to advance it; is something else writing to it?");
    }

    private static long parse(String fenceKey, byte[] value) {
        try {
            long parsed = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new CorruptEntryException(
                fenceKey,
                "holds a fencing counter that is not a non-negative decimal number; delete the key to reset it");
    }

    @Override
    public boolean release(String key, byte[] owner) {
        boolean released = store.compareAndDelete(key, owner);
        if (released && signal != null) {
            signal.publish(key);
        }
        return released;
    }

    @Override
    public boolean renew(String key, byte[] owner, long leaseMillis) {
        return store.compareAndSet(key, owner, owner, leaseMillis);
    }

    @Override
    public boolean isFree(String key) {
        return store.get(key) == null;
    }
}
