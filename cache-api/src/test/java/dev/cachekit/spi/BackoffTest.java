package dev.cachekit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Backoff")
class BackoffTest {

    @Test
    @DisplayName("starts near 1 ms and never waits longer than 10 ms by default")
    void defaultBounds() {
        Backoff backoff = new Backoff();
        Duration first = backoff.next();
        assertThat(first).isBetween(Duration.ofNanos(500_000), Duration.ofMillis(1));
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.next()).isBetween(Duration.ZERO, Duration.ofMillis(10));
        }
    }

    @Test
    @DisplayName("with other bounds, doubles from the first step to the cap and stays within it")
    void customBounds() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
        assertThat(backoff.next()).isBetween(Duration.ofMillis(25), Duration.ofMillis(50));
        assertThat(backoff.next()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        for (int i = 0; i < 20; i++) {
            assertThat(backoff.next()).isBetween(Duration.ZERO, Duration.ofSeconds(2));
        }
        assertThat(backoff.next()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    @DisplayName("refuses a first step above the cap")
    void badBounds() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a backoff needs 1us <= first <= max, was first PT2S, max PT1S");
    }
}
