package dev.cachekit.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.cachekit.StoreException;
import java.util.List;

/**
 * The configuration of a Hazelcast member started by this module: TCP/IP join on a known member
 * list (no multicast, no cloud discovery), the cache's map with one backup, and prompt expiry so a
 * dead holder's lock lease ends on time for waiters.
 */
final class EmbeddedMember {

    /** The ports a member tries from its first port on, and that the default member list covers. */
    static final int PORT_COUNT = 3;

    private EmbeddedMember() {}

    /**
     * The configuration of one member.
     *
     * @param cluster the cluster's name; members of other clusters are ignored
     * @param port the first port to listen on; the next {@value #PORT_COUNT} minus one are tried if
     *     it is taken
     * @param members the members to join; empty for the loopback default ({@code 127.0.0.1} on
     *     ports {@code port} to {@code port + 2})
     * @param mapName the cache's map
     * @return the configuration
     */
    static Config config(String cluster, int port, List<HostPort> members, String mapName) {
        Config config = new Config();
        config.setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        HazelcastProvider.logThroughSlf4j(config::setProperty);
        // TCP/IP join with a known list needs no long wait for other members to show up.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        // Expired entries are found by a background task; every second (Hazelcast's default is 5)
        // makes a dead holder's lock free, and its waiters woken, soon after the lease ends.
        config.setProperty("hazelcast.internal.map.expiration.task.period.seconds", "1");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        TcpIpConfig tcpIp = join.getTcpIpConfig().setEnabled(true);
        if (members.isEmpty()) {
            tcpIp.addMember("127.0.0.1");
        } else {
            members.forEach(member -> tcpIp.addMember(member.toString()));
        }
        if (members.isEmpty() || members.stream().allMatch(HostPort::isLoopback)) {
            // A cluster of this machine only: listen on loopback, not on every interface.
            network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
            config.setProperty("hazelcast.socket.bind.any", "false");
        }

        config.addMapConfig(new MapConfig(mapName).setBackupCount(1));
        return config;
    }

    /**
     * Starts a member.
     *
     * @param config its configuration, from {@link #config}
     * @return the running member
     * @throws StoreException if it cannot start (no free port in its range, ...)
     */
    static HazelcastInstance start(Config config) {
        try {
            return Hazelcast.newHazelcastInstance(config);
        } catch (RuntimeException e) {
            NetworkConfig network = config.getNetworkConfig();
            throw new StoreException(
                    "could not start a hazelcast member of cluster '" + config.getClusterName() + "' on ports "
                            + network.getPort() + "-" + (network.getPort() + network.getPortCount() - 1)
                            + ": " + e.getMessage() + "; free a port in that range or choose another with ?port=",
                    e);
        }
    }

    /**
     * Describes a running member for messages.
     *
     * @param member the member
     * @return {@code hazelcast member 127.0.0.1:5701 (cluster NAME)}
     */
    static String describe(HazelcastInstance member) {
        var address = member.getCluster().getLocalMember().getAddress();
        return "hazelcast member " + address.getHost() + ":" + address.getPort() + " (cluster "
                + member.getConfig().getClusterName() + ")";
    }
}
