package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The near cache on a real Redis server of its own (its pub/sub connections are killed here), with
 * two caches that each hold their own client and subscriber, as two processes would.
 */
@DisplayName("Near cache on Redis")
class RedisNearCacheTest {

    private static final String PREFIX = "near:";
    private static ServerProcess server;
    private static Jedis admin;

    @BeforeAll
    static void start() {
        server = RedisServers.startStandalone();
        admin = new Jedis("127.0.0.1", server.port());
    }

    @AfterAll
    static void stop() {
        admin.close();
        server.close();
    }

    @BeforeEach
    void flush() {
        admin.flushAll();
    }

    private static Cache open() {
        return Caches.open("redis://127.0.0.1:" + server.port() + "?prefix=" + PREFIX + "&near=on");
    }

    private static long subscribers() {
        List<?> reply =
                (List<?>) admin.sendCommand(Protocol.Command.PUBSUB, "NUMSUB", RedisLockSignal.nearChannelOf(PREFIX));
        return (Long) reply.get(1);
    }

    /** Waits (up to 10 s) until {@code done}; the tests count outcomes, this only bounds a hang. */
    private static void await(String what, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    @DisplayName("a local hit sends no command to the server")
    void localHitSendsNothing() throws Exception {
        try (Cache a = open()) {
            await("the near channel is subscribed", () -> subscribers() == 1);
            a.tags("users").put("u1", "Ann");
            assertThat(a.tags("users").get("u1", String.class).value()).isEqualTo("Ann");
            try (CommandStats stats = CommandStats.snapshot(List.of(server))) {
                for (int i = 0; i < 100; i++) {
                    assertThat(a.tags("users").get("u1", String.class).value()).isEqualTo("Ann");
                    assertThat(a.get("u1", String.class).value()).isEqualTo("Ann");
                }
                assertThat(stats.since()).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("a write, a remove and a tag flush by another client reach the local copy, never to come back")
    void coherentAcrossClients() throws Exception {
        try (Cache a = open();
                Cache b = open()) {
            await("both near channels are subscribed", () -> subscribers() == 2);
            a.tags("t").put("k", "v1");
            assertThat(b.tags("t").get("k", String.class).value()).isEqualTo("v1");

            a.tags("t").put("k", "v2");
            awaitFresh(() -> b.tags("t").get("k", String.class), "v2");

            a.remove("k");
            awaitFresh(() -> b.tags("t").get("k", String.class), null);

            a.tags("t").put("k", "v3");
            awaitFresh(() -> b.tags("t").get("k", String.class), "v3");
            a.tags("t").flush();
            awaitFresh(() -> b.get("k", String.class), null);
        }
    }

    /** Reads until the fresh value shows, then 200 times more: the old one must never return. */
    private static void awaitFresh(Supplier<Lookup<String>> read, String fresh) throws InterruptedException {
        await("the reader sees " + fresh, () -> java.util.Objects.equals(valueOf(read.get()), fresh));
        for (int i = 0; i < 200; i++) {
            assertThat(valueOf(read.get()))
                    .as("after the fresh value was served")
                    .isEqualTo(fresh);
        }
    }

    private static String valueOf(Lookup<String> lookup) {
        return lookup.isMiss() ? null : lookup.value();
    }

    /** Reads until a read sends no command: the copy is local (a late invalidation may drop the first). */
    private static void awaitHeldLocally(Cache cache, String key) throws InterruptedException {
        try (CommandStats stats = CommandStats.snapshot(List.of(server))) {
            await("the cache holds " + key + " locally", () -> {
                stats.since();
                cache.get(key, String.class);
                return stats.since().isEmpty();
            });
        }
    }

    @Test
    @DisplayName("a write made while the subscriber was cut off is not hidden by the local copy after it reconnects")
    void clearsWhenSubscriberConnectionDrops() throws Exception {
        try (Cache a = open();
                Cache b = open()) {
            await("both near channels are subscribed", () -> subscribers() == 2);
            b.put("k", "v0");
            assertThat(a.get("k", String.class).value()).isEqualTo("v0");
            awaitHeldLocally(a, "k");
            int gaps = 0;
            String last = "v0";
            for (int attempt = 1; attempt <= 20 && gaps < 3; attempt++) {
                admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
                String next = "v" + attempt;
                b.put("k", next); // its invalidation reaches nobody if nobody is subscribed
                boolean inGap = subscribers() == 0;
                last = next;
                await("both subscribers are back", () -> subscribers() == 2);
                if (inGap) {
                    gaps++;
                }
                assertThat(a.get("k", String.class).value()).isEqualTo(next);
                // Filled again once it listens: held locally before the next cut.
                awaitHeldLocally(a, "k");
                assertThat(a.get("k", String.class).value()).isEqualTo(next);
            }
            assertThat(gaps).as("writes made while no subscriber listened").isPositive();
            assertThat(a.get("k", String.class).value()).isEqualTo(last);
        }
    }
}
