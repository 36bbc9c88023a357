package dev.cachekit.example;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** The "database": every lookup takes {@code loadTime} and is counted. */
final class SlowDatabase {

    private final Duration loadTime;
    private final String process;
    private final AtomicInteger loads = new AtomicInteger();

    SlowDatabase(Duration loadTime, String process) {
        this.loadTime = loadTime;
        this.process = process;
    }

    User findUser(long id, int round) throws InterruptedException {
        loads.incrementAndGet();
        Thread.sleep(loadTime.toMillis());
        return new User(id, "Ada Lovelace", process, round, UUID.randomUUID().toString());
    }

    int loads() {
        return loads.get();
    }
}
