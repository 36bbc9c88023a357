package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code rediss://} against TLS-only servers with certificates from a throwaway CA: mutual TLS,
 * and each way a TLS or ACL login goes wrong failing at once with a {@link StoreException} that
 * names the server and the cause, and never the password.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsTest {

    private static TestCertificates certs;
    private static ServerProcess tls;
    private static ServerProcess mutual;
    private static ServerProcess expired;
    private static ServerProcess otherHost;

    @BeforeAll
    static void startServers() {
        certs = TestCertificates.shared();
        tls = RedisTlsServers.start(certs, certs.serverCert, false);
        mutual = RedisTlsServers.start(certs, certs.serverCert, true);
        expired = RedisTlsServers.start(certs, certs.expiredCert, false);
        otherHost = RedisTlsServers.start(certs, certs.otherHostCert, false);
    }

    @AfterAll
    static void stopServers() {
        tls.close();
        mutual.close();
        expired.close();
        otherHost.close();
    }

    private static String uri(String user, String password, ServerProcess server, String options) {
        return "rediss://" + user + ":" + password + "@" + server.address() + "?timeout=2s&prefix=tls:" + options;
    }

    @Test
    @DisplayName("as the ACL user over TLS: puts, tagged reads, flushes and locks work")
    void aclUserWorks() {
        try (Cache cache = Caches.open(
                uri(RedisTlsServers.USER, RedisTlsServers.PASSWORD, tls, "&" + RedisTlsServers.trust(certs)))) {
            cache.tags("t").put("k", "v");
            assertThat(cache.tags("t").get("k", String.class).value()).isEqualTo("v");
            cache.tags("t").flush();
            assertThat(cache.tags("t").get("k", String.class).isMiss()).isTrue();
            try (HeldLock lock = cache.lock("l").tryAcquire().orElseThrow()) {
                assertThat(lock.fencingToken()).isPositive();
            }
            assertThat(cache.describe()).isEqualTo("rediss " + tls.address());
        }
    }

    @Test
    @DisplayName("mutual TLS: with the client certificate of tlsKeyStore the cache works")
    void mutualTlsWithClientCertificate() {
        String options = "&" + RedisTlsServers.trust(certs) + "&tlsKeyStore=" + certs.clientKeyStore
                + "&tlsKeyStorePassword=" + TestCertificates.STORE_PASSWORD;
        try (Cache cache = Caches.open(uri(RedisTlsServers.USER, RedisTlsServers.PASSWORD, mutual, options))) {
            cache.put("k", "v");
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");
        }
    }

    @Test
    @DisplayName("mutual TLS: without a client certificate opening fails naming the server")
    void mutualTlsWithoutClientCertificate() {
        assertThatThrownBy(() -> Caches.open(uri(
                        RedisTlsServers.USER, RedisTlsServers.PASSWORD, mutual, "&" + RedisTlsServers.trust(certs))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(mutual.address())
                .hasMessageNotContaining(RedisTlsServers.PASSWORD);
    }

    @Test
    @DisplayName(
            "a server certificate from another CA fails the handshake, naming the server and the trust store option")
    void wrongCa() {
        String options =
                "&tlsTrustStore=" + certs.otherTrustStore + "&tlsTrustStorePassword=" + TestCertificates.STORE_PASSWORD;
        assertThatThrownBy(() -> Caches.open(uri(RedisTlsServers.USER, RedisTlsServers.PASSWORD, tls, options)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("rediss " + tls.address() + " failed the TLS handshake")
                .hasMessageContaining("PKIX")
                .hasMessageContaining("tlsTrustStore")
                .hasMessageNotContaining(RedisTlsServers.PASSWORD);
    }

    @Test
    @DisplayName("an expired server certificate fails the handshake, saying it expired")
    void expiredCertificate() {
        assertThatThrownBy(() -> Caches.open(uri(
                        RedisTlsServers.USER, RedisTlsServers.PASSWORD, expired, "&" + RedisTlsServers.trust(certs))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("rediss " + expired.address() + " failed the TLS handshake")
                .hasMessageContaining("expired")
                .hasMessageNotContaining(RedisTlsServers.PASSWORD);
    }

    @Test
    @DisplayName("a wrong password is refused credentials, naming the server and not the password")
    void wrongPassword() {
        String wrong = "not-the-pw-7c1";
        assertThatThrownBy(() -> Caches.open(uri(RedisTlsServers.USER, wrong, tls, "&" + RedisTlsServers.trust(certs))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("rediss " + tls.address() + " refused the credentials")
                .hasMessageNotContaining(wrong)
                .hasMessageNotContaining(RedisTlsServers.PASSWORD);
    }

    @Test
    @DisplayName("a user without a command cachekit needs gets NOPERM naming the server and the README's rules")
    void missingPermission() {
        try (Cache cache = Caches.open(
                uri(RedisTlsServers.LIMITED_USER, RedisTlsServers.PASSWORD, tls, "&" + RedisTlsServers.trust(certs)))) {
            assertThatThrownBy(() -> cache.put("k", "v"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("rediss " + tls.address() + " refused a command to this user: NOPERM")
                    .hasMessageContaining("README")
                    .hasMessageNotContaining(RedisTlsServers.PASSWORD);
        }
    }

    @Test
    @DisplayName(
            "a trust store the password does not open is a configuration error naming the option, not the password")
    void wrongTrustStorePassword() {
        String options = "&tlsTrustStore=" + certs.trustStore + "&tlsTrustStorePassword=wrong-store-pw";
        assertThatThrownBy(() -> Caches.open(uri(RedisTlsServers.USER, RedisTlsServers.PASSWORD, tls, options)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("tlsTrustStore=" + certs.trustStore)
                .hasMessageNotContaining("wrong-store-pw")
                .hasMessageNotContaining(RedisTlsServers.PASSWORD);
    }

    @Test
    @DisplayName("a trusted certificate for another host fails the handshake, unless tlsVerifyHostname=false")
    void hostNameIsChecked() {
        String options = "&" + RedisTlsServers.trust(certs);
        assertThatThrownBy(() -> Caches.open(uri(RedisTlsServers.USER, RedisTlsServers.PASSWORD, otherHost, options)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("rediss " + otherHost.address() + " failed the TLS handshake")
                .hasMessageContaining("127.0.0.1");
        try (Cache cache = Caches.open(
                uri(RedisTlsServers.USER, RedisTlsServers.PASSWORD, otherHost, options + "&tlsVerifyHostname=false"))) {
            cache.put("k", "v");
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");
        }
    }

    @Test
    @DisplayName("TLS options on a URI without TLS are refused, saying how to turn TLS on")
    void tlsOptionsWithoutTls() {
        assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:1?" + RedisTlsServers.trust(certs)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("has TLS options but TLS is off")
                .hasMessageContaining("rediss://")
                .hasMessageNotContaining(TestCertificates.STORE_PASSWORD);
    }
}
