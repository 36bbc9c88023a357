package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sliding expiry (touch)")
class TouchTest {

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    @Test
    @DisplayName("a read inside the touch window extends the entry by its TTL")
    void readInWindowExtends() {
        HandClock clock = new HandClock();
        MemorySpace space = MemorySpace.createPrivate();
        try (Cache cache = Caches.builder()
                .store(new MemoryStore(space))
                .clock(clock)
                .touchWindow(Duration.ofMinutes(10))
                .touchExecutor(Runnable::run)
                .build()) {
            cache.put("k", "v", Duration.ofHours(1));

            clock.advance(Duration.ofMinutes(55)); // 5 minutes left: inside the window
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");

            clock.advance(Duration.ofMinutes(30)); // past the first expiry, inside the extended one
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");
        }
    }

    @Test
    @DisplayName("by default reads never extend an entry: a hot entry expires on time")
    void offByDefault() {
        HandClock clock = new HandClock();
        try (Cache cache = Caches.builder()
                .store(new MemoryStore())
                .clock(clock)
                .touchExecutor(Runnable::run)
                .build()) {
            cache.put("k", "v", Duration.ofHours(1));

            clock.advance(Duration.ofMinutes(59)); // one minute left
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");

            clock.advance(Duration.ofMinutes(2));
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
        }
    }

    @Test
    @DisplayName("touches run on a bounded queue: under pressure they are dropped and counted, never"
            + " blocking a read, and close() waits for the queued ones")
    void boundedAndDroppedUnderPressure() {
        HandClock clock = new HandClock();
        FailingStore store = new FailingStore();
        DefaultCache cache = (DefaultCache) Caches.builder()
                .store(store)
                .clock(clock)
                .touchWindow(Duration.ofMinutes(10))
                .build();
        try {
            for (int i = 0; i < 100; i++) {
                cache.put("k" + i, "v", Duration.ofHours(1));
            }
            store.casGate = new CountDownLatch(1);
            clock.advance(Duration.ofMinutes(55));
            for (int i = 0; i < 100; i++) {
                assertThat(cache.get("k" + i, String.class).value()).isEqualTo("v");
            }
            // One touch runs (held up by the store), 64 wait in the queue, the rest are dropped.
            assertThat(cache.droppedTouches()).isEqualTo(100 - 1 - Touches.QUEUE);
        } finally {
            store.casGate.countDown();
            cache.close();
        }
        assertThat(store.casDone).as("touches finished when close() returned").hasValue(1 + Touches.QUEUE);
    }

    @Test
    @DisplayName("a read outside the touch window leaves the expiry alone")
    void readOutsideWindowDoesNotExtend() {
        HandClock clock = new HandClock();
        try (Cache cache = Caches.builder()
                .store(new MemoryStore())
                .clock(clock)
                .touchWindow(Duration.ofMinutes(10))
                .touchExecutor(Runnable::run)
                .build()) {
            cache.put("k", "v", Duration.ofHours(1));

            clock.advance(Duration.ofMinutes(30));
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");

            clock.advance(Duration.ofMinutes(31));
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
        }
    }

    @Test
    @DisplayName("a touch never undoes a write that happened after the read")
    void touchLosesToNewerWrite() {
        HandClock clock = new HandClock();
        MemorySpace space = MemorySpace.createPrivate();
        AtomicReference<Runnable> pending = new AtomicReference<>();
        try (Cache cache = Caches.builder()
                .store(new MemoryStore(space))
                .clock(clock)
                .touchWindow(Duration.ofMinutes(10))
                .touchExecutor(pending::set)
                .build()) {
            cache.put("k", "old", Duration.ofHours(1));
            clock.advance(Duration.ofMinutes(55));
            cache.get("k", String.class);
            cache.put("k", "new", Duration.ofHours(1));

            pending.get().run();

            assertThat(cache.get("k", String.class).value()).isEqualTo("new");
        }
    }

    @Test
    @DisplayName("an entry past its expiry is a miss even if the store still holds it")
    void envelopeExpiryIsHonoured() {
        HandClock clock = new HandClock();
        try (Cache cache = Caches.builder()
                .store(new MemoryStore())
                .clock(clock)
                .touchWindow(Duration.ZERO)
                .build()) {
            cache.put("k", "v", Duration.ofHours(1));
            clock.advance(Duration.ofMinutes(61));
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
        }
    }
}
