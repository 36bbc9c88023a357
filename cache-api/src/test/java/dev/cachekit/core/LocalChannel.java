package dev.cachekit.core;

import dev.cachekit.spi.InvalidationChannel;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockSignal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process invalidation channel shared by the caches of one test, delivering synchronously;
 * {@link #down()} and {@link #up()} play a dropped and a restored subscriber connection: while down,
 * published keys are lost, as Redis drops messages for a subscriber that is not connected.
 */
final class LocalChannel implements InvalidationChannel {

    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
    private volatile boolean down;

    @Override
    public void publish(Collection<String> storeKeys) {
        if (down) {
            return;
        }
        for (Map.Entry<String, List<Listener>> scope : listeners.entrySet()) {
            List<String> ours = storeKeys.stream()
                    .filter(k -> k.startsWith(scope.getKey())
                            && k.indexOf('|') == scope.getKey().length() + 1)
                    .toList();
            if (!ours.isEmpty()) {
                scope.getValue().forEach(l -> l.invalidated(ours));
            }
        }
    }

    @Override
    public LockSignal.Subscription listen(String prefix, Listener listener) {
        listeners
                .computeIfAbsent(KeyLayout.escape(prefix), p -> new CopyOnWriteArrayList<>())
                .add(listener);
        if (!down) {
            listener.listening();
        }
        return () -> listeners.get(KeyLayout.escape(prefix)).remove(listener);
    }

    /** The subscriber connection drops: every listener hears {@code lost}, and nothing is delivered. */
    void down() {
        down = true;
        listeners.values().forEach(ls -> ls.forEach(Listener::lost));
    }

    /** The subscription holds again. */
    void up() {
        down = false;
        listeners.values().forEach(ls -> ls.forEach(Listener::listening));
    }

    @Override
    public void close() {}
}
