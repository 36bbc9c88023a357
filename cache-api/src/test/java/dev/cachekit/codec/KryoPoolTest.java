package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KryoPool")
class KryoPoolTest {

    private final AtomicInteger made = new AtomicInteger();
    private final KryoPool<Kryo> pool = new KryoPool<>(() -> {
        made.incrementAndGet();
        return new Kryo();
    });

    @Test
    @DisplayName("gives back the instance freed last instead of making one")
    void reusesAFreedInstance() {
        Kryo first = pool.obtain();
        pool.free(first);

        assertThat(pool.obtain()).isSameAs(first);
        assertThat(made).hasValue(1);
    }

    @Test
    @DisplayName("makes a new instance for each caller while none is free, so none is shared")
    void neverHandsOneInstanceToTwoCallers() {
        Kryo a = pool.obtain();
        Kryo b = pool.obtain();

        assertThat(a).isNotSameAs(b);
        assertThat(made).hasValue(2);
    }

    @Test
    @DisplayName("an instance not freed (one that failed mid-decode) is never handed out again")
    void anInstanceNotFreedIsGone() {
        Kryo failed = pool.obtain();
        Kryo next = pool.obtain();

        assertThat(next).isNotSameAs(failed);
    }

    @Test
    @DisplayName("keeps at most 64 idle instances and drops the rest")
    void keepsAtMost64() {
        List<Kryo> taken = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            taken.add(pool.obtain());
        }
        taken.forEach(pool::free);
        Set<Kryo> again = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            again.add(pool.obtain());
        }

        assertThat(made).hasValue(100 + 36);
        assertThat(again).hasSize(100);
    }

    @Test
    @DisplayName("under 8 threads, no instance is ever held by two callers at once")
    void exclusiveUnderContention() throws Exception {
        Set<Kryo> inUse = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger shared = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        Kryo kryo = pool.obtain();
                        if (!inUse.add(kryo)) {
                            shared.incrementAndGet();
                        }
                        inUse.remove(kryo);
                        pool.free(kryo);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(shared).hasValue(0);
        assertThat(made.get()).isLessThanOrEqualTo(8);
    }
}
