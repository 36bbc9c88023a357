package dev.cachekit.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Opening the Hazelcast backend from a URI, and what closing it shuts down. */
@DisplayName("The hazelcast:// provider")
class HazelcastProviderTest {

    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static String uniqueCluster() {
        return "cachekit-provider-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static boolean memberRunning(String clusterName) {
        return Hazelcast.getAllHazelcastInstances().stream()
                .anyMatch(member -> member.getConfig().getClusterName().equals(clusterName));
    }

    @Test
    @DisplayName("is found by ServiceLoader for the hazelcast scheme")
    void isInstalled() {
        assertThat(Caches.schemes().get("hazelcast")).singleElement().isInstanceOf(HazelcastProvider.class);
    }

    @Test
    @DisplayName(
            "hazelcast://embedded starts a member that joins the listed members, and closing the cache shuts it down")
    void embeddedMemberJoinsListedMembers() throws InterruptedException {
        int port = ServerProcess.freePort();
        String uri = "hazelcast://embedded?cluster=" + cluster.name + "&members=" + cluster.addressList()
                + ",127.0.0.1:" + port + "&port=" + port;
        try (Cache cache = Caches.open(uri)) {
            assertThat(cache.describe())
                    .isEqualTo("hazelcast member 127.0.0.1:" + port + " (cluster " + cluster.name + ")");
            assertThat(cluster.member(0).getCluster().getMembers()).hasSize(3);

            cache.put("joined", "yes");

            assertThat(cluster.map().keySet()).anyMatch(key -> key.endsWith("joined"));
        }
        assertThat(cluster.awaitMembers(0, 2)).hasSize(2);
    }

    @Test
    @DisplayName("two embedded members without a member list find each other on loopback in their port range")
    void embeddedDefaultJoinsOnLoopback() {
        int base = freePortRange(EmbeddedMember.PORT_COUNT);
        String name = uniqueCluster();
        String uri = "hazelcast://embedded?cluster=" + name + "&port=" + base;
        try (Cache first = Caches.open(uri);
                Cache second = Caches.open(uri)) {
            assertThat(first.describe()).isEqualTo("hazelcast member 127.0.0.1:" + base + " (cluster " + name + ")");
            assertThat(second.describe())
                    .isEqualTo("hazelcast member 127.0.0.1:" + (base + 1) + " (cluster " + name + ")");

            first.put("shared", "from the first");

            assertThat(second.get("shared", String.class).value()).isEqualTo("from the first");
        }
        assertThat(memberRunning(name)).isFalse();
    }

    @Test
    @DisplayName("hazelcast://host:port,host:port starts a client, and closing the cache shuts down the client only")
    void clientConnectsAndClosesOnlyItself() {
        Set<HazelcastInstance> clientsBefore = Set.copyOf(HazelcastClient.getAllHazelcastClients());
        String uri = "hazelcast://" + cluster.addressList() + "?cluster=" + cluster.name + "&map=provider-test";
        try (Cache cache = Caches.open(uri)) {
            assertThat(cache.describe())
                    .isEqualTo("hazelcast client -> " + cluster.addressList() + " (cluster " + cluster.name + ")");

            cache.put("through-client", 42);

            assertThat(cluster.member(1).getMap("provider-test").keySet())
                    .anyMatch(key -> ((String) key).endsWith("through-client"));
        }
        assertThat(HazelcastClient.getAllHazelcastClients()).containsExactlyInAnyOrderElementsOf(clientsBefore);
        assertThat(cluster.member(0).getLifecycleService().isRunning()).isTrue();
        assertThat(cluster.member(0).getCluster().getMembers()).hasSize(2);
    }

    @Test
    @DisplayName("a cache on the caller's own instance leaves it running when closed")
    void ownInstanceIsNotShutDown() {
        HazelcastInstance own = cluster.member(0);
        try (Cache cache = Caches.builder().backend(HazelcastBackends.of(own)).build()) {
            cache.put("own", "instance");
            assertThat(cache.describe()).isEqualTo(EmbeddedMember.describe(own));
        }
        assertThat(own.getLifecycleService().isRunning()).isTrue();
        assertThat(own.getMap(HazelcastBackends.DEFAULT_MAP).size()).isPositive();
    }

    @Test
    @DisplayName(
            "a cache on the caller's own client names the members it is connected to, and leaves the client running")
    void ownClientIsNotShutDown() {
        HazelcastInstance own = cluster.connectClient();
        try (Cache cache = Caches.builder()
                .backend(HazelcastBackends.of(own, "own-client"))
                .build()) {
            cache.put("own", "client");
            assertThat(cache.describe())
                    .startsWith("hazelcast client -> ")
                    .contains(cluster.addresses.get(0).toString());
        }
        assertThat(own.getLifecycleService().isRunning()).isTrue();
        assertThat(own.getMap("own-client").size()).isPositive();
    }

    @Test
    @DisplayName("a blank map name for the caller's own instance is refused")
    void blankMapNameIsRefused() {
        assertThatThrownBy(() -> HazelcastBackends.of(cluster.member(0), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("map needs a name");
    }

    @Test
    @DisplayName("an unreachable client address fails with a StoreException naming it, and leaves no client behind")
    void unreachableClientAddressFails() {
        Set<HazelcastInstance> clientsBefore = Set.copyOf(HazelcastClient.getAllHazelcastClients());
        int nobody = ServerProcess.freePort();

        assertThatThrownBy(() -> Caches.open("hazelcast://127.0.0.1:" + nobody + "?connectTimeout=2s"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("127.0.0.1:" + nobody)
                .hasMessageContaining("within 2s")
                .hasMessageContaining("cluster 'cachekit'");
        assertThat(HazelcastClient.getAllHazelcastClients()).containsExactlyInAnyOrderElementsOf(clientsBefore);
    }

    @Test
    @DisplayName("an unknown option fails naming it and the accepted ones, and shuts down the member it started")
    void unknownOptionFailsWithoutLeakingMember() {
        String name = uniqueCluster();
        int port = ServerProcess.freePort();
        String uri = "hazelcast://embedded?cluster=" + name + "&members=127.0.0.1:" + port + "&port=" + port
                + "&colour=blue";

        assertThatThrownBy(() -> Caches.open(uri))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("unknown option [colour]")
                .satisfies(e -> assertThat(acceptedOptions(e)).contains("cluster", "members", "port", "map", "prefix"));
        assertThat(memberRunning(name)).isFalse();
    }

    @Test
    @DisplayName("a member-only option on a client URI is unknown there, and the client is shut down")
    void memberOptionOnClientUriIsUnknown() {
        Set<HazelcastInstance> clientsBefore = Set.copyOf(HazelcastClient.getAllHazelcastClients());
        String uri = "hazelcast://" + cluster.addressList() + "?cluster=" + cluster.name + "&members=127.0.0.1:5701";

        assertThatThrownBy(() -> Caches.open(uri))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("unknown option [members]")
                .satisfies(e -> assertThat(acceptedOptions(e))
                        .contains("cluster", "connectTimeout", "map")
                        .doesNotContain("members", "port"));
        assertThat(HazelcastClient.getAllHazelcastClients()).containsExactlyInAnyOrderElementsOf(clientsBefore);
    }

    @Test
    @DisplayName("a URI without a host names the two forms it accepts")
    void uriWithoutHostFails() {
        assertThatThrownBy(() -> Caches.open("hazelcast:embedded"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("hazelcast:embedded")
                .hasMessageContaining("hazelcast://embedded")
                .hasMessageContaining("hazelcast://host:port");
    }

    @Test
    @DisplayName(
            "an embedded member whose whole port range is taken fails naming the ports, and leaves nothing running")
    void takenPortRangeFails() throws IOException {
        int base = freePortRange(EmbeddedMember.PORT_COUNT);
        String name = uniqueCluster();
        List<ServerSocket> taken = new ArrayList<>();
        try {
            for (int port = base; port < base + EmbeddedMember.PORT_COUNT; port++) {
                ServerSocket socket = new ServerSocket();
                taken.add(socket);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            }

            assertThatThrownBy(() -> Caches.open("hazelcast://embedded?cluster=" + name + "&port=" + base))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("cluster '" + name + "'")
                    .hasMessageContaining("ports " + base + "-" + (base + EmbeddedMember.PORT_COUNT - 1))
                    .hasMessageContaining("?port=");
            assertThat(memberRunning(name)).isFalse();
        } finally {
            for (ServerSocket socket : taken) {
                socket.close();
            }
        }
    }

    @Test
    @DisplayName("a member address without a valid port fails naming it, before anything starts")
    void badMemberPortFails() {
        String name = uniqueCluster();

        assertThatThrownBy(() -> Caches.open("hazelcast://embedded?cluster=" + name + "&members=127.0.0.1:57o1"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("'127.0.0.1:57o1'")
                .hasMessageContaining("option 'members'")
                .hasMessageContaining("port from 1 to 65535");
        assertThat(memberRunning(name)).isFalse();
    }

    @Test
    @DisplayName("a negative connect timeout fails naming the option")
    void badConnectTimeoutFails() {
        assertThatThrownBy(() -> Caches.open("hazelcast://127.0.0.1:5701?connectTimeout=PT-1S"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("connectTimeout")
                .hasMessageContaining("must be at least 1ms and at most 2147483647ms");
    }

    /** The option names after "accepted options:" in an unknown-option message. */
    private static List<String> acceptedOptions(Throwable unknownOption) {
        String message = unknownOption.getMessage();
        int start = message.indexOf("accepted options: [");
        assertThat(start)
                .as("where the message lists the accepted options: %s", message)
                .isNotNegative();
        String list = message.substring(start + "accepted options: [".length(), message.indexOf(']', start));
        return Arrays.stream(list.split(",")).map(String::trim).toList();
    }

    /** The first of {@code count} consecutive loopback ports that are all free. */
    private static int freePortRange(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ServerProcess.freePort();
            if (base + count > 65_535) {
                continue;
            }
            boolean free = true;
            for (int port = base; port < base + count && free; port++) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress("127.0.0.1", port));
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free loopback ports found");
    }
}
