package dev.cachekit.tck;

import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The memory backend's stand-in for a server that can die: while it is stopped, every call of a
 * store it guards throws a {@link StoreException} naming it, as the client of a dead server does.
 * The entries stay in the space; nothing is written while it is down. While it is {@linkplain
 * #suspend() stalled}, calls wait {@link #CLIENT_TIMEOUT} and then fail as a client's timeout does,
 * but what they asked for is applied on {@link #resume()}, as a stalled server applies what it was
 * sent once it runs again.
 */
final class SimulatedServer implements ServerControl {

    /** How long a client of the simulated server waits for an answer during a stall. */
    static final Duration CLIENT_TIMEOUT = Duration.ofMillis(300);

    private final String address;
    private final List<Sent<?>> unanswered = new ArrayList<>();
    private volatile boolean down;
    private boolean stalled; // guarded by this

    SimulatedServer(String address) {
        this.address = address;
    }

    /** {@code store} behind this server: its calls fail while the server is stopped. */
    Store guard(Store store) {
        return new Guarded(store);
    }

    @Override
    public List<String> addresses() {
        return List.of(address);
    }

    @Override
    public void stop() {
        down = true;
    }

    @Override
    public void start() {
        down = false;
    }

    @Override
    public synchronized void suspend() {
        stalled = true;
    }

    /** Applies what was sent during the stall, in order; callers still waiting get their answers. */
    @Override
    public synchronized void resume() {
        stalled = false;
        for (Sent<?> sent : unanswered) {
            sent.apply();
        }
        unanswered.clear();
    }

    private void check(String operation) {
        if (down) {
            throw new StoreException(operation + " failed: " + address + " is unreachable (simulated outage)", null);
        }
    }

    private void run(String operation, Runnable action) {
        call(operation, () -> {
            action.run();
            return null;
        });
    }

    /**
     * Runs {@code action} now; during a stall, keeps it for {@link #resume()} and gives up waiting
     * for its answer after {@link #CLIENT_TIMEOUT}, as a client does.
     */
    private <T> T call(String operation, Supplier<T> action) {
        check(operation);
        Sent<T> sent;
        synchronized (this) {
            if (!stalled) {
                sent = null;
            } else {
                sent = new Sent<>(action);
                unanswered.add(sent);
            }
        }
        if (sent == null) {
            return action.get();
        }
        try {
            return sent.answer.get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreException(
                    operation + " timed out after " + CLIENT_TIMEOUT.toMillis() + " ms: " + address
                            + " does not answer (simulated stall)",
                    e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(operation + " was interrupted", e);
        }
    }

    /** A call sent during a stall: applied on resume, its answer for the caller if it still waits. */
    private static final class Sent<T> {
        final Supplier<T> action;
        final CompletableFuture<T> answer = new CompletableFuture<>();

        Sent(Supplier<T> action) {
            this.action = action;
        }

        void apply() {
            try {
                answer.complete(action.get());
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }
    }

    private final class Guarded extends ForwardingStore {
        Guarded(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            return call("multi-get", () -> delegate.getAll(keys));
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            run("set", () -> delegate.set(key, value, ttlMillis));
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            run("multi-set", () -> delegate.setAll(entries, ttlMillis));
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            return call("set-if-absent", () -> delegate.setIfAbsent(key, value, ttlMillis));
        }

        @Override
        public boolean delete(String key) {
            return call("delete", () -> delegate.delete(key));
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            return call("compare-and-delete", () -> delegate.compareAndDelete(key, expected));
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            return call("compare-and-set", () -> delegate.compareAndSet(key, expected, value, ttlMillis));
        }

        @Override
        public long increment(String key) {
            return call("increment", () -> delegate.increment(key));
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
