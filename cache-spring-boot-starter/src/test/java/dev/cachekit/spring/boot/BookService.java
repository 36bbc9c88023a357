package dev.cachekit.spring.boot;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/** A service cached the way applications cache: its "database" counts the calls that reach it. */
public class BookService {

    /** Calls that reached the method bodies. */
    final AtomicInteger bodyCalls = new AtomicInteger();

    final Map<Long, String> database = new ConcurrentHashMap<>();

    /** Calls that reached the method bodies (a method: the bean is a proxy, its fields are not the service's). */
    public int bodyCalls() {
        return bodyCalls.get();
    }

    /** The "database" behind the service. */
    public Map<Long, String> database() {
        return database;
    }

    @Cacheable("books")
    public String find(long id) {
        bodyCalls.incrementAndGet();
        return database.get(id);
    }

    @CachePut(cacheNames = "books", key = "#p0")
    public String update(long id, String title) {
        database.put(id, title);
        return title;
    }

    @CacheEvict("books")
    public void delete(long id) {
        database.remove(id);
    }

    @CacheEvict(cacheNames = "books", allEntries = true)
    public void deleteAll() {
        database.clear();
    }

    /** A slow source on a cold key, loaded with sync = true: one load across every node. */
    @Cacheable(cacheNames = "reports", sync = true)
    public String report(String name) throws InterruptedException {
        bodyCalls.incrementAndGet();
        Thread.sleep(200);
        return "report " + name;
    }

    /** An asynchronous method: Spring caches it through {@code Cache.retrieve}. */
    @Cacheable("covers")
    public CompletableFuture<String> cover(long id) {
        bodyCalls.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> "cover " + id);
    }

    @Cacheable("bulk")
    public String bulk(long id) {
        bodyCalls.incrementAndGet();
        return "item " + id;
    }

    @CacheEvict(cacheNames = "bulk", allEntries = true)
    public void clearBulk() {}
}
