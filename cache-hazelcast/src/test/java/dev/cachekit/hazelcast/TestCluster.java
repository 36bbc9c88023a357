package dev.cachekit.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.cachekit.tck.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Embedded members of one cluster for one test class, on free loopback ports with a unique cluster
 * name, joined over TCP/IP (no multicast). Optionally with clients connected to them.
 */
final class TestCluster implements AutoCloseable {

    final String name = "cachekit-test-" + UUID.randomUUID().toString().substring(0, 8);
    final List<HostPort> addresses;
    final List<HazelcastInstance> members = new ArrayList<>();
    final List<HazelcastInstance> clients = new ArrayList<>();

    private TestCluster(int size) {
        addresses = IntStream.range(0, size)
                .mapToObj(i -> new HostPort("127.0.0.1", ServerProcess.freePort()))
                .toList();
    }

    /**
     * Starts {@code size} members and waits until each sees all of them.
     *
     * @param size the number of members
     * @return the running cluster
     */
    static TestCluster start(int size) {
        TestCluster cluster = new TestCluster(size);
        try {
            for (HostPort address : cluster.addresses) {
                cluster.members.add(EmbeddedMember.start(EmbeddedMember.config(
                        cluster.name, address.port(), cluster.addresses, HazelcastBackends.DEFAULT_MAP)));
            }
            for (HazelcastInstance member : cluster.members) {
                if (member.getCluster().getMembers().size() != size) {
                    throw new IllegalStateException("member " + EmbeddedMember.describe(member) + " sees "
                            + member.getCluster().getMembers() + ", not " + size + " members");
                }
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Connects a client to every member.
     *
     * @return the client, shut down with the cluster
     */
    HazelcastInstance connectClient() {
        HazelcastInstance client = com.hazelcast.client.HazelcastClient.newHazelcastClient(
                HazelcastProvider.clientConfig(name, addresses, Duration.ofSeconds(10)));
        clients.add(client);
        return client;
    }

    /**
     * Waits (up to a minute) until member {@code index} sees {@code size} members, as it does a moment
     * after a member joins or leaves.
     *
     * @return the members it sees
     */
    Set<Member> awaitMembers(int index, int size) throws InterruptedException {
        HazelcastInstance member = members.get(index);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (member.getCluster().getMembers().size() != size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return member.getCluster().getMembers();
    }

    HazelcastInstance member(int index) {
        return members.get(index);
    }

    IMap<String, byte[]> map() {
        return members.get(0).getMap(HazelcastBackends.DEFAULT_MAP);
    }

    /** The URI options that make an embedded member or a client join this cluster. */
    String addressList() {
        return String.join(",", addresses.stream().map(HostPort::toString).toList());
    }

    @Override
    public void close() {
        clients.forEach(HazelcastInstance::shutdown);
        members.forEach(member -> member.getLifecycleService().terminate());
        clients.clear();
        members.clear();
    }
}
