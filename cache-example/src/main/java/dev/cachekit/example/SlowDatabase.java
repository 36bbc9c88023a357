package dev.cachekit.example;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The "database": every lookup takes {@code loadTime} and is counted. */
final class SlowDatabase {

    private final Duration loadTime;
    private final AtomicInteger loads = new AtomicInteger();

    SlowDatabase(Duration loadTime) {
        this.loadTime = loadTime;
    }

    User findUser(long id) throws InterruptedException {
        loads.incrementAndGet();
        Thread.sleep(loadTime.toMillis());
        return new User(id, "Ada Lovelace");
    }

    int loads() {
        return loads.get();
    }
}
