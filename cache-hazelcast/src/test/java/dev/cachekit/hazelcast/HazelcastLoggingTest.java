package dev.cachekit.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Hazelcast's logging")
class HazelcastLoggingTest {

    @Test
    @DisplayName(
            "an embedded member and a client started by the provider log through SLF4J, set on their own configuration")
    void throughSlf4j() {
        // Holds while the build starts no JVM with -Dhazelcast.logging.type, the application's override.
        assertThat(System.getProperty(HazelcastProvider.LOGGING_TYPE)).isNull();

        assertThat(EmbeddedMember.config("c", 5701, List.of(), "m").getProperty(HazelcastProvider.LOGGING_TYPE))
                .isEqualTo("slf4j");
        assertThat(HazelcastProvider.clientConfig("c", List.of(new HostPort("127.0.0.1", 5701)), Duration.ofSeconds(1))
                        .getProperty(HazelcastProvider.LOGGING_TYPE))
                .isEqualTo("slf4j");
        assertThat(System.getProperty(HazelcastProvider.LOGGING_TYPE)).isNull();
    }

    @Test
    @DisplayName("the application's -Dhazelcast.logging.type wins: the provider then sets nothing")
    void applicationChoiceWins() {
        Map<String, String> set = new HashMap<>();
        System.setProperty(HazelcastProvider.LOGGING_TYPE, "jdk");
        try {
            HazelcastProvider.logThroughSlf4j(set::put);
        } finally {
            System.clearProperty(HazelcastProvider.LOGGING_TYPE);
        }
        assertThat(set).isEmpty();
    }
}
