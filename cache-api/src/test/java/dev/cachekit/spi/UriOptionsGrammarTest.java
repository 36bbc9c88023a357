package dev.cachekit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.core.Caches;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The grammar of URI options")
class UriOptionsGrammarTest {

    /** Text that looks like a valid value to a lenient reader, and is not one of the documented forms. */
    static Stream<String> almostDurations() {
        return Stream.of(
                "5s\r\n",
                "5s\n",
                "5s\r",
                "\n5s",
                "\t5s",
                " 5s",
                "5s ",
                "5 s",
                "\uff15s", // fullwidth 5
                "\u0665s", // Arabic-Indic 5
                "\u0e55s", // Thai 5
                "1\uff10s",
                "+5s",
                "-5s",
                "5S",
                "5Ms",
                "5sec",
                "5",
                "s",
                "ms",
                "",
                "5s\u0000",
                "PT5S\n",
                " PT5S",
                "PT\uff15S",
                "PT5\u017f", // LATIN SMALL LETTER LONG S, which upper-cases to S
                "P\u0131T5S");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("almostDurations")
    @DisplayName("a duration is refused unless it is exactly one of the documented forms")
    void refusesAlmostDurations(String text) {
        assertThatThrownBy(() -> UriOptions.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("\r")
                .hasMessageNotContaining("\t");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"500ms", "30s", "5m", "2h", "1d", "0s", "PT30S", "PT0.5S", "P1D", "PT1H30M", "pt30s"})
    @DisplayName("the documented forms are read")
    void readsDocumentedForms(String text) {
        assertThat(UriOptions.parseDuration(text)).isBetween(Duration.ZERO, Duration.ofDays(1));
    }

    @Test
    @DisplayName("the documented forms mean what they say")
    void values() {
        assertThat(UriOptions.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(UriOptions.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(UriOptions.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(UriOptions.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(UriOptions.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(UriOptions.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
    }

    static Stream<Arguments> durationOptions() {
        return Stream.of("ttl", "nullTtl", "touchWindow", "lockLease", "loadTimeout")
                .flatMap(option ->
                        almostDurations().filter(text -> !text.isEmpty()).map(text -> Arguments.of(option, text)));
    }

    @ParameterizedTest(name = "[{index}] {0}={1}")
    @MethodSource("durationOptions")
    @DisplayName("every duration option of a cache URI refuses them, naming the option, control characters escaped")
    void cacheRefusesAlmostDurations(String option, String text) {
        Throwable failure = catchThrowable(
                () -> Caches.open("memory:?" + option + "=" + encoded(text)).close());

        assertThat(failure)
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("option '" + option + "=")
                .hasMessageContaining("is not a duration");
        assertThat(failure.getMessage()).doesNotContainPattern("[\\x00-\\x1f]");
    }

    @Test
    @DisplayName("a trailing CR LF is shown escaped in the message")
    void escapedInTheMessage() {
        assertThatThrownBy(() -> Caches.open("memory:?ttl=5s%0D%0A").close())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("option 'ttl=5s\\r\\n'");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "memory:?ttl=5s\r\n",
                "memory:?ttl=5s\n",
                "memory:?ttl=\n5s",
                "memory:?ttl=\t5s",
                "memory:?ttl=5s\u00a0",
                "memory:?ttl=5s&prefix=a b",
                "\nmemory:?ttl=5s",
                "memory:?ttl=5s "
            })
    @DisplayName("a URI written with a raw line break, tab or space is refused, naming the option it is in")
    void rawBlanks(String uri) {
        Throwable failure = catchThrowable(() -> Caches.open(uri).close());

        assertThat(failure)
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("space or control character");
        assertThat(failure.getMessage()).doesNotContainPattern("[\\x00-\\x1f]");
        if (uri.contains("5s\r\n")) {
            assertThat(failure).hasMessageStartingWith("option 'ttl=5s\\r\\n' in cache URI 'memory:?ttl=5s\\r\\n'");
        }
        if (uri.contains("a b")) {
            assertThat(failure).hasMessageStartingWith("option 'prefix=a b'");
        }
    }

    @Test
    @DisplayName("a password option with a space is not shown in the message")
    void rawBlankInSecret() {
        assertThatThrownBy(() -> Caches.open("memory:?password=S3cr3t Pw&ttl=5s"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageStartingWith("option 'password=***' in")
                .hasMessageNotContaining("S3cr3t");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"fail\n", " fail", "fail ", "FAIL", "Load", "\tload", "load\r\n", "ｆａｉｌ"})
    @DisplayName("a word option (onLoadTimeout, onStoreError) takes its words exactly")
    void words(String text) {
        for (String option : new String[] {"onLoadTimeout", "onStoreError"}) {
            Throwable failure = catchThrowable(
                    () -> Caches.open("memory:?" + option + "=" + encoded(text)).close());

            assertThat(failure)
                    .as(option)
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("option '" + option + "=")
                    .hasMessageContaining("must be 'fail' or 'load'");
            assertThat(failure.getMessage()).doesNotContainPattern("[\\x00-\\x1f]");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"8\n", " 8", "8 ", "+8", "\uff18", "\u0668", "8.0", "0x8", "", "99999999999"})
    @DisplayName("a whole-number option takes ASCII digits only")
    void wholeNumbers(String text) {
        UriOptions options = options("poolSize", text);

        assertThatThrownBy(() -> options.takeInt("poolSize", 1))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("option 'poolSize=")
                .hasMessageContaining("is not a whole number")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> UriOptions.parseInt(text)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    @DisplayName("a whole number in ASCII digits is read, negative ones too")
    void wholeNumber() {
        assertThat(options("poolSize", "8").takeInt("poolSize", 1)).isEqualTo(8);
        assertThat(options("poolSize", "-3").takeInt("poolSize", 1)).isEqualTo(-3);
        assertThat(options("other", "1").takeInt("poolSize", 1)).isEqualTo(1);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"true\n", " true", "TRUE", "True", "false\r\n", "\tfalse", "yes", "1", ""})
    @DisplayName("a boolean option takes exactly true or false")
    void booleans(String text) {
        UriOptions options = options("ssl", text);

        assertThatThrownBy(() -> options.takeBoolean("ssl", false))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("option 'ssl=")
                .hasMessageContaining("must be 'false' or 'true'")
                .hasMessageNotContaining("\n");
    }

    @Test
    @DisplayName("true and false are read")
    void boolean_() {
        assertThat(options("ssl", "true").takeBoolean("ssl", false)).isTrue();
        assertThat(options("ssl", "false").takeBoolean("ssl", true)).isFalse();
        assertThat(options("x", "true").takeBoolean("ssl", true)).isTrue();
    }

    @Test
    @DisplayName("a choice names the option and every accepted word")
    void choice() {
        assertThat(options("mode", "b").takeChoice("mode", Map.of("a", 1, "b", 2)))
                .contains(2);
        assertThatThrownBy(() -> options("mode", "c").takeChoice("mode", Map.of("a", 1, "b", 2)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("option 'mode=c'")
                .hasMessageContaining("must be 'a' or 'b'");
    }

    private static UriOptions options(String name, String value) {
        return UriOptions.of(URI.create("test://host?" + name + "=" + encoded(value)));
    }

    private static String encoded(String text) {
        // URLEncoder writes a space as '+', which the options read back as a space.
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
