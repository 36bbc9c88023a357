package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.cachekit.Cache;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SASL authentication")
class MemcachedSaslTest {

    private static ServerProcess server;

    @BeforeAll
    static void startServerWithSasl() throws Exception {
        Path saslpasswd2;
        try {
            saslpasswd2 = ServerProcess.requireBinary("saslpasswd2", "sasl2-bin");
        } catch (IllegalStateException e) {
            // Only this class needs it, to write the server's password database; the rest of the
            // module runs without it.
            abort("SASL tests need saslpasswd2: " + e.getMessage());
            return;
        }
        Path dir = Files.createTempDirectory("cachekit-memcached-sasl-");
        Path db = dir.resolve("sasldb2");
        Process create = new ProcessBuilder(
                        saslpasswd2.toString(), "-p", "-a", "memcached", "-c", "-f", db.toString(), "alice")
                .redirectErrorStream(true)
                .start();
        create.getOutputStream().write("s3cr3t:@/".getBytes(StandardCharsets.US_ASCII));
        create.getOutputStream().close();
        String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!create.waitFor(30, TimeUnit.SECONDS) || create.exitValue() != 0) {
            throw new IllegalStateException("saslpasswd2 failed: " + output);
        }
        Files.writeString(dir.resolve("memcached.conf"), "mech_list: plain\nsasldb_path: " + db + "\n");
        server = MemcachedServers.start(Map.of("SASL_CONF_PATH", dir.toString()), "-S");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("the user and password in the URI's user info log in, percent-escapes decoded")
    void rightCredentials() {
        try (Cache cache = Caches.open("memcached://alice:s3cr3t%3A%40%2F@" + server.address())) {
            cache.put("k", "v");
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");
        }
    }

    @Test
    @DisplayName("a wrong password fails with a StoreException naming the server, never showing the password")
    void wrongPassword() {
        String uri = "memcached://alice:wrong-one@" + server.address() + "?timeout=1s";
        assertThatThrownBy(() -> {
                    try (Cache cache = Caches.open(uri)) {
                        cache.put("k", "v");
                    }
                })
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(server.address())
                .hasMessageContaining("user and password")
                .hasMessageNotContaining("wrong-one");
    }
}
