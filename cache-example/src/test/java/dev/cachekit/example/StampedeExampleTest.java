package dev.cachekit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The stampede example")
class StampedeExampleTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("on the embedded default: one load per round, every worker gets user 1, the flush forces one new load")
    void scenarioOnEmbeddedDefault() throws Exception {
        Scenario.Result result = new Scenario(
                        StampedeExample.DEFAULT_URI,
                        10,
                        Duration.ofMillis(300),
                        "process test",
                        Duration.ZERO,
                        print(out),
                        false)
                .run();

        assertThat(result.rounds()).hasSize(2);
        Scenario.Round first = result.rounds().get(0);
        Scenario.Round second = result.rounds().get(1);
        assertThat(first.databaseLoads()).isEqualTo(1);
        assertThat(first.outcomes()).hasSize(10);
        assertThat(first.outcomes().stream().filter(Scenario.WorkerOutcome::loaded))
                .as("the one worker that loaded")
                .hasSize(1);
        assertThat(first.everyWorkerGotUser1()).isTrue();
        assertThat(second.databaseLoads())
                .as("the flush forces exactly one new load")
                .isEqualTo(1);
        assertThat(second.outcomes()).hasSize(10);
        assertThat(second.everyWorkerGotUser1()).isTrue();
        assertThat(result.backend()).startsWith("hazelcast");
    }

    @Test
    @DisplayName("the command line prints a compact timeline, a summary contrasting loads with callers, and exits 0")
    void commandLine() {
        int code = StampedeExample.run(
                new String[] {"--uri", "memory:", "--workers", "4", "--load-time", "50ms"}, print(out), print(err));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text)
                .contains("cache miss; got the lock for user:1, loading it from the database")
                .contains("loaded user:1 from the database in ")
                .containsPattern("3 workers got user:1 without loading it: from worker \\d+'s load")
                .contains("Summary: 4 callers, 1 database load; without the lock: up to 4. 4 of 4 workers got user 1")
                .contains("Round 1: user:1 was loaded by " + Scenario.thisProcess() + " (this process)")
                .contains("Round 2: user:1 was loaded by " + Scenario.thisProcess() + " (this process)")
                .contains("Flushing tag user:1")
                .doesNotContain("Waiting for")
                .contains("In all: 8 callers, 2 database loads; without the lock: up to 8 (round 1: 1, after the"
                        + " flush: 1). Backend memory:.")
                .doesNotContain("asks for user:1", "cache miss for user:1")
                .containsPattern("Summary: \\d+ reads, 0 of them waited for a load");
        assertThat(text.lines().filter(line -> line.contains(" ms  ") && !line.contains("user:1:profile")))
                .as("two lines per round from the loader, one for the others")
                .hasSize(6);
    }

    @Test
    @DisplayName("--verbose prints every step of every worker")
    void verbose() {
        int code = StampedeExample.run(
                new String[] {"--uri", "memory:", "--workers", "4", "--load-time", "50ms", "--verbose"},
                print(out),
                print(err));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text.lines().filter(line -> line.contains("asks for user:1")))
                .hasSize(8);
        assertThat(text.lines().filter(line -> line.contains("done: User[id=1")))
                .hasSize(8);
        assertThat(text).contains("cache miss for user:1", "set the cache for user:1");
    }

    @Test
    @DisplayName("the summary says where the value came from when this process loaded nothing")
    void loadedElsewhere() {
        assertThat(Scenario.Round.loads(10, 0, "process 4242"))
                .isEqualTo("10 callers, 0 database loads in this process: the value came from process 4242's"
                        + " load; without the lock: up to 10");
        assertThat(Scenario.Round.loads(10, 0, null))
                .isEqualTo("10 callers, 0 database loads in this process: the value came from another"
                        + " process's load; without the lock: up to 10");
        assertThat(Scenario.Round.loads(10, 1, "process 4242"))
                .isEqualTo("10 callers, 1 database load; without the lock: up to 10");
    }

    @Test
    @DisplayName("--help explains every option and exits 0")
    void help() {
        assertThat(StampedeExample.run(new String[] {"--help"}, print(out), print(err)))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--uri URI", "--workers N", "--load-time DURATION", "--help")
                .contains("default " + StampedeExample.DEFAULT_URI)
                .isEqualTo(StampedeExample.usage());
        out.reset();
        assertThat(StampedeExample.run(new String[] {"--workers", "many", "-h"}, print(out), print(err)))
                .as("--help anywhere wins, as in scripts/example")
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(StampedeExample.usage());
    }

    @Test
    @DisplayName("a bad option gets a clear message and exit code 2")
    void badOptions() {
        assertThat(StampedeExample.run(new String[] {"--wrokers", "3"}, print(out), print(err)))
                .isEqualTo(2);
        assertThat(StampedeExample.run(new String[] {"--workers", "many"}, print(out), print(err)))
                .isEqualTo(2);
        assertThat(StampedeExample.run(new String[] {"--load-time"}, print(out), print(err)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("stampede-example: unknown option '--wrokers'")
                .contains("stampede-example: --workers takes a whole number, was 'many'")
                .contains("stampede-example: --load-time needs a value")
                .contains("Run with --help to see the options.");
    }

    @Test
    @DisplayName("an unknown backend scheme is reported with exit code 1")
    void unknownScheme() {
        assertThat(StampedeExample.run(new String[] {"--uri", "nope://x"}, print(out), print(err)))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("stampede-example: no cache provider for scheme 'nope'");
    }
}
