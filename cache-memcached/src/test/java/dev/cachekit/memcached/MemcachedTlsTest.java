package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What memcached offers over TLS: the Debian build of the server has it ({@code -Z}), the client
 * cachekit is built on does not, so {@code memcacheds://} is refused with the reason and the way
 * round it, and a TLS-only server reached with {@code memcached://} fails fast, naming the server.
 */
@DisplayName("memcached and TLS")
class MemcachedTlsTest {

    @TempDir
    static Path dir;

    private static ServerProcess tlsOnly;

    @BeforeAll
    static void startTlsOnlyServer() throws Exception {
        Path openssl = ServerProcess.requireBinary("openssl", "openssl");
        Path key = dir.resolve("server.key");
        Path certificate = dir.resolve("server.crt");
        Process make = new ProcessBuilder(
                        openssl.toString(),
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=127.0.0.1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        certificate.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!make.waitFor(60, TimeUnit.SECONDS) || make.exitValue() != 0 || !Files.exists(certificate)) {
            throw new IllegalStateException("openssl could not make a test certificate: " + output);
        }
        tlsOnly = MemcachedServers.start(Map.of(), "-Z", "-o", "ssl_chain_cert=" + certificate + ",ssl_key=" + key);
    }

    @AfterAll
    static void stopServer() {
        if (tlsOnly != null) {
            tlsOnly.close();
        }
    }

    @Test
    @DisplayName("memcacheds:// is refused with a CacheConfigurationException saying why and what to do")
    void tlsSchemeRefused() {
        assertThatThrownBy(() -> Caches.open("memcacheds://alice:s3cr3t@127.0.0.1:11211"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("memcached over TLS")
                .hasMessageContaining("spymemcached")
                .hasMessageContaining("TLS tunnel")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    @Timeout(60)
    @DisplayName("a TLS-only server reached in plain TCP fails with a StoreException naming it, within the timeout")
    void plainClientOnTlsServer() {
        String uri = MemcachedServers.uri(List.of(tlsOnly), "timeout=1s");
        assertThatThrownBy(() -> {
                    try (var cache = Caches.open(uri)) {
                        cache.put("k", "v");
                        cache.get("k", String.class);
                    }
                })
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(tlsOnly.address());
    }
}
