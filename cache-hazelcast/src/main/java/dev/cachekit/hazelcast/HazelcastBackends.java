package dev.cachekit.hazelcast;

import com.hazelcast.client.Client;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.StoreLocker;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Builds a cache {@link Backend} over a Hazelcast instance the caller started and owns: a member or
 * a client.
 *
 * <pre>{@code
 * HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(myConfig);
 * Cache cache = Caches.builder().backend(HazelcastBackends.of(hazelcast)).build();
 * }</pre>
 *
 * <p>Closing the backend (or the cache built on it) removes the cache's listener and leaves the
 * instance running: whoever started it shuts it down. Entries live in the map named {@value
 * #DEFAULT_MAP} unless another is given; its backup count, eviction and the rest come from the
 * instance's own configuration (Hazelcast's default keeps one backup). Locks are entries of that
 * map with the lease as TTL; waiters are woken by an entry listener. Compare-and-set and counters
 * run as entry processors, so the classes of this module must be on the members' class path.
 */
public final class HazelcastBackends {

    /** The map that holds the cache's entries, tags and locks unless another is named. */
    public static final String DEFAULT_MAP = "cachekit";

    private HazelcastBackends() {}

    /**
     * A backend over the map {@value #DEFAULT_MAP} of {@code instance}.
     *
     * @param instance a running member or client, which the backend never shuts down
     * @return the backend
     * @throws NullPointerException if {@code instance} is null
     */
    public static Backend of(HazelcastInstance instance) {
        return of(instance, DEFAULT_MAP);
    }

    /**
     * A backend over the map {@code mapName} of {@code instance}.
     *
     * @param instance a running member or client, which the backend never shuts down
     * @param mapName the map that holds the cache's entries
     * @return the backend
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code mapName} is blank
     */
    public static Backend of(HazelcastInstance instance, String mapName) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(mapName, "mapName");
        if (mapName.isBlank()) {
            throw new IllegalArgumentException("the cache's Hazelcast map needs a name, such as " + DEFAULT_MAP);
        }
        return over(instance, mapName, describe(instance));
    }

    /**
     * A backend over {@code instance} that does not shut it down; the provider adds the shutdown of
     * the instances it starts.
     */
    static Backend over(HazelcastInstance instance, String mapName, String description) {
        return builder(instance, mapName, description).build();
    }

    static Backend.Builder builder(HazelcastInstance instance, String mapName, String description) {
        HazelcastStore store = new HazelcastStore(instance, mapName, description);
        HazelcastLockSignal signal = new HazelcastLockSignal(store.map(), description);
        // Fencing tokens come from the counter's partition owner (FenceProcessor), with that
        // member's clock: one clock per counter. The cluster time is not used: two members of one
        // cluster were seen to disagree on it by about 95 ms, enough for a token drawn after a lost
        // counter to come out lower than the last one.
        return Backend.builder(store)
                .signal(signal)
                .locker(new StoreLocker(new HazelcastLockCommands(store, signal), signal));
    }

    private static String describe(HazelcastInstance instance) {
        if (instance.getLocalEndpoint() instanceof Client) {
            return "hazelcast client -> "
                    + instance.getCluster().getMembers().stream()
                            .map(Member::getAddress)
                            .map(address -> address.getHost() + ":" + address.getPort())
                            .collect(Collectors.joining(","));
        }
        return EmbeddedMember.describe(instance);
    }
}
