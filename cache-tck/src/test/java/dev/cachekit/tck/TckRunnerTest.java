package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TckRunnerTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TckRunner.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the runner passes memory: and prints one summary line per contract, with the skip reasons")
    void memoryPasses() {
        // Side by side, several tests' keys share the space: bounds with room for them, kept by the runner.
        assertThat(run("--uri", "memory:?maxEntries=1000000&maxBytes=1GiB", "--parallel", "6"))
                .as(out())
                .isZero();
        assertThat(out())
                .contains("cachekit TCK against memory://tck-")
                .containsPattern("Store contract: +\\d+ tests: \\d+ passed, 0 failed, 0 skipped")
                .containsPattern("Tagger contract: +\\d+ tests: \\d+ passed, 0 failed, 0 skipped")
                // A URI fixture can neither expire keys nor wrap its locker's store: the fencing test that
                // expires every key and the three race and order tests that wrap the locker's store skip.
                .containsPattern("Locker contract: +\\d+ tests: \\d+ passed, 0 failed, 4 skipped")
                .contains("capability missing: the fixture cannot expire keys with a TTL")
                // Unlimited keys and values: the three key- and value-limit tests skip.
                .containsPattern("Cache contract: +\\d+ tests: \\d+ passed, 0 failed, 3 skipped")
                .contains("skipped  Bad input > the longest key the store accepts works")
                .contains("capability missing: the store takes keys of any length")
                // A URI fixture cannot stop the server behind the URI: every outage test skips.
                .containsPattern("Outage contract: +6 tests: 0 passed, 0 failed, 6 skipped")
                .contains("capability missing: the fixture cannot stop and start its servers")
                .doesNotContain("FAILED");
    }

    @Test
    @DisplayName("an unknown scheme exits 2 naming the installed schemes")
    void unknownScheme() {
        assertThat(run("--uri", "nosuch://x")).isEqualTo(2);
        assertThat(err()).contains("nosuch").contains("installed schemes").contains("memory");
    }

    @Test
    @DisplayName("missing or unknown arguments exit 2 with the usage")
    void badArguments() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("--uri is required").contains("usage: TckRunner");
        assertThat(run("--uri", "memory:", "--parallel", "zero")).isEqualTo(2);
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err()).contains("unknown or incomplete argument '--bogus'");
    }
}
