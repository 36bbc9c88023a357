package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.tck.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Locks as memcached holds them")
class MemcachedLockTest {

    @Test
    @DisplayName("a held lock is an item whose expiry is the lease, and its fencing counter never expires")
    void lockItemCarriesTheLease() {
        MemcachedFixture fixture = MemcachedFixture.single();
        ServerProcess server = MemcachedServers.single();
        fixture.reset();
        try (Cache cache =
                Caches.builder().backend(fixture.open()).keyPrefix("locks:").build()) {
            CacheLock lock = cache.lock("nightly job").withLease(Duration.ofSeconds(90));
            Optional<HeldLock> held = lock.tryAcquire();
            assertThat(held).isPresent();
            OptionalLong left =
                    MetaCommands.secondsLeft(server, KeyLayout.of("locks:").lock("nightly job"));
            assertThat(left).isPresent();
            assertThat(left.getAsLong()).isBetween(88L, 91L);
            assertThat(MetaCommands.secondsLeft(server, KeyLayout.of("locks:").fence("nightly job")))
                    .hasValue(-1);
            held.get().close();
            assertThat(MetaCommands.secondsLeft(server, KeyLayout.of("locks:").lock("nightly job")))
                    .isEmpty();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    @DisplayName("after a restart with a lock held, the next holder's token is larger and the old holder's"
            + " watchdog reports the lock lost once")
    void restartWithALockHeld() throws Exception {
        try (ServerProcess server = MemcachedServers.start()) {
            String uri = MemcachedServers.uri(List.of(server), "timeout=1s&maxReconnectDelay=1s");
            try (Cache holderCache = Caches.open(uri);
                    Cache nextCache = Caches.open(uri)) {
                AtomicInteger lost = new AtomicInteger();
                CountDownLatch told = new CountDownLatch(1);
                HeldLock old = holderCache
                        .lock("job")
                        .withLease(Duration.ofSeconds(3))
                        .withWatchdog(true)
                        .onLost(() -> {
                            lost.incrementAndGet();
                            told.countDown();
                        })
                        .tryAcquire()
                        .orElseThrow();

                server.kill();
                server.restart();

                HeldLock next = acquireAfterRestart(nextCache);
                assertThat(next.fencingToken())
                        .as("the first token after an empty restart")
                        .isGreaterThan(old.fencingToken());
                assertThat(told.await(60, TimeUnit.SECONDS))
                        .as("the old holder was told")
                        .isTrue();
                assertThat(old.isHeld()).isFalse();
                old.close();
                assertThat(next.release()).isTrue();
                assertThat(lost).hasValue(1);
            }
        }
    }

    /** The client reconnects on its own schedule: try until it is back. */
    private static HeldLock acquireAfterRestart(Cache cache) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return cache.lock("job").tryAcquire().orElseThrow();
            } catch (StoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
