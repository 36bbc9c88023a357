package dev.cachekit.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.Secrets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hazelcast URIs with secrets, malformed member lists, and a server that never answers. */
@DisplayName("A hostile hazelcast:// URI")
class HazelcastHostileUriTest {

    private static final String SECRET = "S3cr3tPw";

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "hazelcast://user:S3cr3tPw@127.0.0.1:1,?connectTimeout=1s",
                "hazelcast://user:S3cr3tPw@127.0.0.1:1?connectTimeout=never",
                "hazelcast://S3cr3tPw@127.0.0.1:5701",
                "hazelcast://user:S3cr3tPw@embedded",
                "hazelcast://user:S3cr3tPw%zz@127.0.0.1:5701",
                "hazelcast://user:S3cr3tPw with space@127.0.0.1:5701",
                "hazelcast://127.0.0.1:5701?token=S3cr3tPw&connectTimeout=x"
            })
    @DisplayName("hides the password in configuration errors")
    void configurationErrors(String uri) {
        assertThat(Secrets.openHidingSecret(uri, SECRET)).isInstanceOf(CacheConfigurationException.class);
    }

    @Test
    @DisplayName("hides the password when the cluster cannot be reached")
    void unreachable() {
        assertThat(Secrets.openHidingSecret(
                        "hazelcast://user:S3cr3tPw@127.0.0.1:1?connectTimeout=500ms&cluster=x", SECRET))
                .isInstanceOf(StoreException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "hazelcast://embedded?members=,",
                "hazelcast://embedded?members=",
                "hazelcast://embedded?members=127.0.0.1:5701,,127.0.0.1:5702",
                "hazelcast://embedded?members=127.0.0.1:0",
                "hazelcast://embedded?members=127.0.0.1:x",
                "hazelcast://embedded?members=:5701",
                "hazelcast://embedded?members=[::1",
                "hazelcast://embedded?members=fe80::1:5701",
                "hazelcast://embedded?members=a%0Ab:5701",
                "hazelcast://embedded?members=127.0.0.1:%EF%BC%95%EF%BC%97%EF%BC%90%EF%BC%91",
                "hazelcast://embedded?members=127.0.0.1:%2B5701",
                "hazelcast://embedded?members=127.0.0.1:5701%0D%0A",
                "hazelcast://embedded?members=%0A127.0.0.1:5701",
                "hazelcast://embedded?members=%09127.0.0.1:5701",
                "hazelcast://embedded?members=127.0.0.1:5701,%20127.0.0.1:5702",
                "hazelcast://embedded?port=%EF%BC%95%EF%BC%97%EF%BC%90%EF%BC%91",
                "hazelcast://embedded?port=5701%0A"
            })
    @DisplayName("with a malformed member list is a configuration error naming the option")
    void malformedMembers(String uri) {
        assertThatThrownBy(() -> Caches.open(uri).close())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining(uri.contains("port=") ? "option 'port=" : "option 'members'")
                .hasMessageNotContaining("\n");
    }

    @Test
    @Timeout(value = 120)
    @DisplayName("gives up after connectTimeout when the server accepts and never answers")
    void silentServer() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String uri = "hazelcast://127.0.0.1:" + silent.getLocalPort() + "?connectTimeout=2s&cluster=silent";

            long start = System.nanoTime();
            assertThatThrownBy(() -> Caches.open(uri).close())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("within 2s");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // Without the bound Hazelcast waits for its invocation timeout (120 s): the margin
            // here is wide because the machine is shared, not because 30 s is a target.
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            assertThat(accepted).as("the client did reach the silent server").isNotEmpty();
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
