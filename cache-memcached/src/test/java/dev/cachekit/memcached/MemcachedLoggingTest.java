package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("spymemcached's logging")
class MemcachedLoggingTest {

    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(MemcachedProvider.CLIENT_LOGGER_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(MemcachedProvider.CLIENT_LOGGER_PROPERTY);
        } else {
            System.setProperty(MemcachedProvider.CLIENT_LOGGER_PROPERTY, before);
        }
    }

    @Test
    @DisplayName("building a client sets no JVM-wide property when the application chose no logger")
    void setsNoProperty() {
        System.clearProperty(MemcachedProvider.CLIENT_LOGGER_PROPERTY);

        MemcachedProvider.connectionFactory(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty());

        assertThat(System.getProperty(MemcachedProvider.CLIENT_LOGGER_PROPERTY)).isNull();
    }

    @Test
    @DisplayName("the application's choice of logger stays as it was")
    void keepsTheApplicationsChoice() {
        System.setProperty(MemcachedProvider.CLIENT_LOGGER_PROPERTY, "net.spy.memcached.compat.log.SunLogger");

        MemcachedProvider.connectionFactory(2, Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty());

        assertThat(System.getProperty(MemcachedProvider.CLIENT_LOGGER_PROPERTY))
                .isEqualTo("net.spy.memcached.compat.log.SunLogger");
    }
}
