package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.tck.Secrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A password in a redis:// URI never shows in an error, whatever form carries it. */
@DisplayName("A redis:// URI's password")
class RedisUriSecretsTest {

    private static final String SECRET = "S3cr3tPw";

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "redis://S3cr3tPw@127.0.0.1:6379?timeout=soon",
                "redis://user:S3cr3tPw@127.0.0.1:6379?timeout=soon",
                "redis://:S3cr3tPw@127.0.0.1:6379?poolSize=x",
                "redis-cluster://user:S3cr3tPw@127.0.0.1:7000,127.0.0.1:7001?timeout=0s",
                "redis://127.0.0.1:6379?password=S3cr3tPw&timeout=soon",
                "redis://S3cr3tPw@127.0.0.1:6379/x",
                "redis://S3cr3tPw@127.0.0.1:99999",
                "redis://S3cr3tPw@127.0.0.1:6379?bad\r\nname=1&timeout=x"
            })
    @DisplayName("is hidden in configuration errors")
    void configurationErrors(String uri) {
        assertThat(Secrets.openHidingSecret(uri, SECRET)).isInstanceOf(CacheConfigurationException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "redis://user:S3cr3tPw with space@127.0.0.1:6379",
                "redis://user:S3cr3tPw^@127.0.0.1:6379",
                "redis://S3cr3tPw%zz@127.0.0.1:6379",
                "redis://user:S3cr3tPw%@127.0.0.1:6379"
            })
    @DisplayName("is hidden when the URI does not parse or decode")
    void unparsable(String uri) {
        assertThat(Secrets.openHidingSecret(uri, SECRET)).isInstanceOf(CacheConfigurationException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "redis://S3cr3tPw@127.0.0.1:1?timeout=200ms",
                "redis://user:S3cr3tPw@127.0.0.1:1?timeout=200ms&password=S3cr3tPw"
            })
    @DisplayName("is hidden when the server cannot be reached")
    void unreachable(String uri) {
        assertThat(Secrets.openHidingSecret(uri, SECRET)).isInstanceOf(StoreException.class);
    }
}
