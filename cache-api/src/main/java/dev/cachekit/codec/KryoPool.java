package dev.cachekit.codec;

import com.esotericsoftware.kryo.Kryo;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Idle Kryo instances in a fixed array of slots, taken and returned with one compare-and-set each:
 * no lock, no queue node and no thread-local, so virtual threads neither block nor pin an instance
 * each. A thread starts at a slot chosen by its id, so threads mostly touch different slots. When
 * every slot is empty a new instance is made; when every slot is full a returned one is dropped.
 *
 * @param <K> the kind of Kryo instance pooled
 */
final class KryoPool<K extends Kryo> {

    private static final int SLOTS = 64;

    private final AtomicReferenceArray<K> slots = new AtomicReferenceArray<>(SLOTS);
    private final Supplier<K> factory;

    KryoPool(Supplier<K> factory) {
        this.factory = factory;
    }

    /** An idle instance, or a new one. */
    K obtain() {
        int start = start();
        for (int i = 0; i < SLOTS; i++) {
            int slot = (start + i) & (SLOTS - 1);
            K kryo = slots.get(slot);
            if (kryo != null && slots.compareAndSet(slot, kryo, null)) {
                return kryo;
            }
        }
        return factory.get();
    }

    /** Keeps an instance for the next caller; only one that finished its work cleanly may come back. */
    void free(K kryo) {
        int start = start();
        for (int i = 0; i < SLOTS; i++) {
            int slot = (start + i) & (SLOTS - 1);
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, kryo)) {
                return;
            }
        }
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; getId() is the same number.
    private static int start() {
        long id = Thread.currentThread().getId();
        return (int) (id ^ (id >>> 7)) & (SLOTS - 1);
    }
}
