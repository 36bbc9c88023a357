package com.example.shop;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** The application's "database": counts the loads that reach it. */
@Component
class BookRepository {
    final AtomicInteger loads = new AtomicInteger();

    Book load(long id) {
        loads.incrementAndGet();
        return new Book(id, "book " + id);
    }
}
