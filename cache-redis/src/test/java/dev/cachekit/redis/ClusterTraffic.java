package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 8 threads on the caches, each in a loop until stopped: a put of one of its own keys
 * (remembered once acknowledged), a tagged put, a flush of that tag and a read that must miss,
 * and a lock around a non-atomic counter. A {@link StoreException} (a slot caught moving) is
 * counted and the loop goes on; anything else fails the test.
 */
final class ClusterTraffic {

    private static final int THREADS = 8;

    final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
    final Map<String, Integer> uncertain = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String[]> flushed = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    final AtomicInteger retryable = new AtomicInteger();
    final ConcurrentLinkedQueue<String> storeErrors = new ConcurrentLinkedQueue<>();
    final AtomicInteger lockSections = new AtomicInteger();
    final AtomicInteger operations = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
    final int[] counter = {0};
    final List<Thread> threads = new ArrayList<>();

    ClusterTraffic(List<Cache> caches) {
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Cache cache = caches.get(t % caches.size());
            threads.add(new Thread(() -> run(cache, thread)));
        }
        threads.forEach(Thread::start);
    }

    private void run(Cache cache, int thread) {
        for (int i = 0; !stop.get(); i++) {
            String key = "w:" + thread + ":" + (i % 200);
            String tag = "tag:" + thread + ":" + i;
            String tagged = "f:" + thread + ":" + i;
            try {
                try {
                    cache.put(key, i);
                    acknowledged.put(key, i);
                    uncertain.remove(key);
                } catch (StoreException e) {
                    uncertain.put(key, i); // the write may or may not have landed
                    throw e;
                }
                cache.tags(tag).put(tagged, i);
                cache.tags(tag).flush();
                flushed.add(new String[] {tag, tagged});
                assertThat(cache.tags(tag).get(tagged, Integer.class).isMiss())
                        .as("read after the flush of " + tag)
                        .isTrue();
                try (HeldLock lock =
                        cache.lock("counter").tryAcquire(Duration.ofSeconds(30)).orElseThrow()) {
                    int seen = counter[0];
                    Thread.yield();
                    counter[0] = seen + 1;
                    lockSections.incrementAndGet();
                }
                operations.incrementAndGet();
            } catch (StoreException e) {
                if (retryable.incrementAndGet() <= 5) {
                    storeErrors.add(e.getMessage());
                }
            } catch (Throwable e) {
                unexpected.add(e);
                return;
            }
        }
    }

    void stopAndCheck(Cache reader) throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(unexpected).isEmpty();
        assertThat(operations.get()).as("full rounds").isGreaterThan(THREADS);
        assertThat(counter[0]).as("increments under the lock").isEqualTo(lockSections.get());
        for (Map.Entry<String, Integer> write : acknowledged.entrySet()) {
            dev.cachekit.Lookup<Integer> read = reader.get(write.getKey(), Integer.class);
            Integer maybe = uncertain.get(write.getKey());
            assertThat(read.isHit() ? read.value() : null)
                    .as(write.getKey() + " (acknowledged " + write.getValue() + ", uncertain " + maybe + "; "
                            + retryable.get() + " StoreExceptions, first: " + storeErrors + ")")
                    .isIn(write.getValue(), maybe);
        }
        for (String[] entry : flushed) {
            assertThat(reader.tags(entry[0]).get(entry[1], Integer.class).isMiss())
                    .as("flushed " + entry[1])
                    .isTrue();
        }
    }
}
