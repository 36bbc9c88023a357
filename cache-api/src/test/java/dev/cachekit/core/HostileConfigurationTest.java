package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.CacheException;
import dev.cachekit.spi.UriOptions;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Hostile configuration")
class HostileConfigurationTest {

    private static final String SECRET = "S3cr3tPw";

    private static void assertHidden(Throwable failure) {
        assertThat(failure).isInstanceOf(CacheException.class);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
        }
        assertThat(failure.getMessage()).doesNotContainPattern("[\\r\\n]");
    }

    @Nested
    @DisplayName("A secret in a URI")
    class Secrets {

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "memory:?password=S3cr3tPw&bogus=1",
                    "memory:?ttl=1s&authToken=S3cr3tPw&ttl=2s",
                    "memory:?apiKey=S3cr3tPw&ttl=x",
                    "memory:?sasl_password=S3cr3tPw&onLoadTimeout=x",
                    "nosuch://user:S3cr3tPw@host",
                    "nosuch://S3cr3tPw@host",
                    "redis://user:S3cr3t Pw@host",
                    "redis://user:S3cr3tPw^@host",
                    "redis://user:S3cr3tPw@host\r\n:1",
                    "no scheme S3cr3tPw@host"
                })
        @DisplayName("is never shown in the error")
        void hidden(String uri) {
            assertHidden(catchThrowable(() -> Caches.open(uri)));
        }

        @Test
        @DisplayName("is redacted whatever form carries it, keeping what helps")
        void redaction() {
            assertThat(UriOptions.redact("redis://secret@host:6379/1?prefix=a"))
                    .isEqualTo("redis://***@host:6379/1?prefix=a");
            assertThat(UriOptions.redact("redis://user:secret@host")).isEqualTo("redis://user:***@host");
            assertThat(UriOptions.redact("redis://host?password=secret&prefix=p"))
                    .isEqualTo("redis://host?password=***&prefix=p");
            assertThat(UriOptions.redact("hazelcast://u:p@ss@h1,h2?cluster=c"))
                    .isEqualTo("hazelcast://u:***@h1,h2?cluster=c");
            assertThat(UriOptions.redact("memory:a\nb")).isEqualTo("memory:a\\nb");
        }
    }

    @Nested
    @DisplayName("A duration out of range")
    class Durations {

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "memory:?ttl=1001000d",
                    "memory:?nullTtl=106751991167300d",
                    "memory:?ttl=9999999999999999999999d",
                    "memory:?touchWindow=400000d",
                    "memory:?lockLease=366d",
                    "memory:?loadTimeout=PT2562047788015215H",
                    "memory:?loadTimeout=0s",
                    "memory:?touchWindow=PT-1S"
                })
        @DisplayName("in a URI is a configuration error naming the option and the largest accepted value")
        void uri(String uri) {
            String option = uri.substring(uri.indexOf('?') + 1, uri.indexOf('='));
            Throwable failure = catchThrowable(() -> Caches.open(uri).close());

            assertThat(failure).isInstanceOf(CacheConfigurationException.class).hasMessageContaining(option);
            if (!uri.contains("999999999999")) {
                assertThat(failure).hasMessageMatching(".*at most (365000d|365d).*");
            }
        }

        @Test
        @DisplayName("in the builder is refused naming the argument and the largest accepted value")
        void builder() {
            Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
            expect(b -> b.defaultTtl(huge), "defaultTtl", "365000d");
            expect(b -> b.nullTtl(huge), "nullTtl", "365000d");
            expect(b -> b.touchWindow(huge), "touchWindow", "365000d");
            expect(b -> b.lockLease(huge), "lockLease", "365d");
            expect(b -> b.loadTimeout(huge), "loadTimeout", "365d");
            expect(b -> b.loadTimeout(Duration.ofNanos(-1)), "loadTimeout", "365d");
        }

        private void expect(Consumer<CacheBuilder> setting, String name, String max) {
            assertThatThrownBy(() -> setting.accept(Caches.builder()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("at most " + max);
        }

        @Test
        @DisplayName("at the largest accepted values, the cache works without overflowing")
        void largest() {
            try (Cache cache = Caches.builder()
                    .uri("memory:?ttl=365000d&nullTtl=365000d&touchWindow=365000d&lockLease=365d&loadTimeout=365d")
                    .build()) {
                cache.put("k", "v");
                assertThat(cache.get("k", String.class).value()).isEqualTo("v");
                assertThat(cache.getOrLoad("l", String.class, () -> "loaded")).isEqualTo("loaded");
                cache.put("f", "v", ChronoUnit.FOREVER.getDuration());
                assertThat(cache.get("f", String.class).value()).isEqualTo("v");
                assertThatThrownBy(() -> cache.put("h", "v", Duration.ofSeconds(Long.MAX_VALUE)))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}
