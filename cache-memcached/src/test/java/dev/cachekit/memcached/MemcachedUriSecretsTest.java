package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.tck.Secrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A SASL password in a memcached:// URI never shows in an error, whatever form carries it. */
@DisplayName("A memcached:// URI's password")
class MemcachedUriSecretsTest {

    private static final String SECRET = "S3cr3tPw";

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "memcached://S3cr3tPw@127.0.0.1:11211",
                "memcached://user:S3cr3tPw@127.0.0.1:11211?timeout=soon",
                "memcached://user:S3cr3tPw@127.0.0.1:0",
                "memcached://user:S3cr3tPw@127.0.0.1:11211?maxItemSize=huge",
                "memcached://127.0.0.1:11211?password=S3cr3tPw&timeout=soon",
                "memcached://user:S3cr3tPw with space@127.0.0.1:11211",
                "memcached://user:S3cr3tPw%zz@127.0.0.1:11211",
                "memcached://user:S3cr3tPw@127.0.0.1:11211?timeout=9999999999999999999d"
            })
    @DisplayName("is hidden in configuration errors")
    void configurationErrors(String uri) {
        assertThat(Secrets.openHidingSecret(uri, SECRET)).isInstanceOf(CacheConfigurationException.class);
    }
}
