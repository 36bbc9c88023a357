package dev.cachekit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RefreshAheadRoundTest {

    @Test
    @DisplayName(
            "the refresh-ahead round: reads past the first value's expiry, no caller waits, reloads run in the background")
    void noCallerWaits() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Scenario.Result result = new Scenario(
                        "memory:",
                        4,
                        Duration.ofMillis(100),
                        "process test",
                        Duration.ZERO,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        false)
                .run();

        RefreshAheadRound.Outcome round = result.refreshAhead();
        assertThat(round.waits()).as("reads that waited for a load").isZero();
        assertThat(round.backgroundLoads()).as("reloads, all in the background").isGreaterThanOrEqualTo(1);
        assertThat(round.rounds())
                .as("the first load's value, then a refresh's")
                .isGreaterThanOrEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Round 3: refresh-ahead", "refresh-ahead: user:1:profile:process-test", "0 of them waited");
    }
}
