package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.tck.ServerProcess;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/** The pub/sub wake-up channel between two clients of one server. */
class RedisLockSignalTest {

    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        // A server of its own, so the channel's subscriber count is this test's alone.
        server = RedisServers.startStandalone();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    @DisplayName("a release reaches exactly the subscribers of its key in another client, until they unsubscribe")
    void deliversByKey() throws InterruptedException {
        try (RedisClient publisherClient = RedisClient.create("127.0.0.1", server.port());
                RedisClient subscriberClient = RedisClient.create("127.0.0.1", server.port());
                RedisLockSignal publisher = RedisLockSignal.start(publisherClient, "publisher", Duration.ofSeconds(5));
                RedisLockSignal subscriber =
                        RedisLockSignal.start(subscriberClient, "subscriber", Duration.ofSeconds(5))) {
            AtomicInteger firstKey = new AtomicInteger();
            Semaphore secondKey = new Semaphore(0);
            LockSignal.Subscription first = subscriber.subscribe("lock:a", firstKey::incrementAndGet);
            try (LockSignal.Subscription ignored = subscriber.subscribe("lock:b", secondKey::release)) {
                publisher.publish("lock:a");
                publisher.publish("lock:a");
                publisher.publish("lock:b");
                // One subscriber connection delivers in publish order: once lock:b arrived, so did both lock:a.
                assertThat(secondKey.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
                assertThat(firstKey).hasValue(2);

                first.close();
                publisher.publish("lock:a");
                publisher.publish("lock:b");
                assertThat(secondKey.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
                assertThat(firstKey).hasValue(2);
            }
        }
    }

    @Test
    @DisplayName("closing the signal ends its server-side subscription")
    void closeUnsubscribes() {
        try (RedisClient client = RedisClient.create("127.0.0.1", server.port());
                Jedis raw = new Jedis("127.0.0.1", server.port())) {
            RedisLockSignal signal = RedisLockSignal.start(client, "signal", Duration.ofSeconds(5));
            assertThat(raw.pubsubNumSub(RedisLockSignal.CHANNEL)).containsEntry(RedisLockSignal.CHANNEL, 1L);
            signal.close();
            // close() joins the subscriber thread, which returns only after the server confirmed.
            assertThat(raw.pubsubNumSub(RedisLockSignal.CHANNEL)).containsEntry(RedisLockSignal.CHANNEL, 0L);
        }
    }

    @Test
    @DisplayName("releases under another prefix neither wake this prefix's waiters nor reach its connection")
    void otherPrefixesDoNotWakeThisOne() throws InterruptedException {
        String mine = KeyLayout.of("app1:").lock("job");
        String theirs = KeyLayout.of("app2:").lock("job");
        String theirLoadLock = KeyLayout.of("app2:").loadLock("job");
        try (RedisClient publisherClient = RedisClient.create("127.0.0.1", server.port());
                RedisClient subscriberClient = RedisClient.create("127.0.0.1", server.port());
                Jedis raw = new Jedis("127.0.0.1", server.port());
                RedisLockSignal publisher = RedisLockSignal.start(publisherClient, "publisher", Duration.ofSeconds(5));
                RedisLockSignal subscriber =
                        RedisLockSignal.start(subscriberClient, "subscriber", Duration.ofSeconds(5))) {
            AtomicInteger woken = new AtomicInteger();
            Semaphore released = new Semaphore(0);
            try (LockSignal.Subscription ignored = subscriber.subscribe(mine, () -> {
                woken.incrementAndGet();
                released.release();
            })) {
                assertThat(RedisLockSignal.channelOf(mine)).isNotEqualTo(RedisLockSignal.channelOf(theirs));
                assertThat(raw.pubsubNumSub(RedisLockSignal.channelOf(theirs)))
                        .as("subscribers of the other prefix's channel")
                        .containsEntry(RedisLockSignal.channelOf(theirs), 0L);
                for (int i = 0; i < 50; i++) {
                    publisher.publish(theirs);
                    publisher.publish(theirLoadLock);
                }
                publisher.publish(mine);
                // One connection delivers in publish order: once this prefix's release arrived, every
                // earlier one of the other prefix would have too.
                assertThat(released.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
                assertThat(woken).hasValue(1);
            }
        }
    }
}
