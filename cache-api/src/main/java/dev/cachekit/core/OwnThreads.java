package dev.cachekit.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/**
 * Makes the named daemon threads of one cache's executor and remembers them, so that closing the
 * cache can wait until they have ended: an executor's {@code awaitTermination} returns once its
 * tasks are done, which can be a moment before its threads have exited.
 */
final class OwnThreads implements ThreadFactory {

    private final String name;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    OwnThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        threads.add(thread);
        return thread;
    }

    /**
     * Waits for every thread made here to end, until {@code deadlineNanos} (a {@link
     * System#nanoTime()} value).
     *
     * @return true if none is alive
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    boolean join(long deadlineNanos) throws InterruptedException {
        for (Thread thread : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
