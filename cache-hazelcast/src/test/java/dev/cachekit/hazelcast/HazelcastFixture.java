package dev.cachekit.hazelcast;

import com.hazelcast.core.EntryView;
import com.hazelcast.core.HazelcastInstance;
import dev.cachekit.spi.Backend;
import dev.cachekit.tck.BackendFixture;
import java.time.Duration;
import java.util.Optional;

/**
 * The TCK's way into a two-member test cluster, started on first use and stopped by the test
 * class's {@code @AfterAll}: either through the two members themselves, or through two clients.
 */
final class HazelcastFixture implements BackendFixture, AutoCloseable {

    private final boolean throughClients;
    private TestCluster cluster;
    private HazelcastInstance first;
    private HazelcastInstance second;

    private HazelcastFixture(boolean throughClients) {
        this.throughClients = throughClients;
    }

    /** {@link #open()} is a backend on member 1, {@link #openSecond()} one on member 2. */
    static HazelcastFixture members() {
        return new HazelcastFixture(false);
    }

    /** {@link #open()} and {@link #openSecond()} are backends on two clients of the cluster. */
    static HazelcastFixture clients() {
        return new HazelcastFixture(true);
    }

    @Override
    public String name() {
        return throughClients ? "hazelcast clients" : "hazelcast embedded members";
    }

    @Override
    public Backend open() {
        return HazelcastBackends.of(started().first);
    }

    @Override
    public Backend openSecond() {
        return HazelcastBackends.of(started().second);
    }

    @Override
    public byte[] rawGet(String key) {
        return started().cluster.map().get(key);
    }

    @Override
    public void rawDelete(String key) {
        started().cluster.map().delete(key);
    }

    /** Deletes every entry whose entry view carries a TTL, as if all had expired at once. */
    @Override
    public void rawExpireKeysWithTtl() {
        var map = started().cluster.map();
        for (String key : map.keySet()) {
            var view = map.getEntryView(key);
            if (view != null && view.getTtl() > 0 && view.getTtl() != Long.MAX_VALUE) {
                map.delete(key);
            }
        }
    }

    /** From the entry's view: Hazelcast keeps expiry times to the second. */
    @Override
    public Optional<Duration> rawTtl(String key) {
        EntryView<String, byte[]> view = started().cluster.map().getEntryView(key);
        if (view == null) {
            return Optional.of(Duration.ZERO);
        }
        long expiresAt = view.getExpirationTime();
        if (expiresAt == Long.MAX_VALUE || expiresAt <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.max(0, expiresAt - System.currentTimeMillis())));
    }

    @Override
    public void reset() {
        started().cluster.map().clear();
    }

    @Override
    public synchronized void close() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    private synchronized HazelcastFixture started() {
        if (cluster == null) {
            cluster = TestCluster.start(2);
            if (throughClients) {
                first = cluster.connectClient();
                second = cluster.connectClient();
            } else {
                first = cluster.member(0);
                second = cluster.member(1);
            }
        }
        return this;
    }
}
