package dev.cachekit.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The README's Spring snippet: Spring's own JCacheCacheManager over this provider. */
class SpringJCacheTest {

    /** A service whose results Spring caches in the JCache cache "books". */
    public static class Books {
        private final AtomicInteger lookups = new AtomicInteger();

        /** How many times the method ran (a method, since Spring's proxy has no fields of its own). */
        public int lookups() {
            return lookups.get();
        }

        @Cacheable("books")
        public String title(String isbn) {
            lookups.incrementAndGet();
            return "title of " + isbn;
        }

        @CacheEvict(cacheNames = "books", allEntries = true)
        public void forgetAll() {}
    }

    @Configuration
    @EnableCaching
    static class Config {
        // README snippet: start
        @Bean(destroyMethod = "close")
        javax.cache.CacheManager jcacheManager() {
            javax.cache.CacheManager manager = Caching.getCachingProvider(JCacheProvider.class.getName())
                    .getCacheManager(URI.create("memory://spring-books"), null);
            manager.createCache("books", new MutableConfiguration<Object, Object>());
            return manager;
        }

        @Bean
        CacheManager cacheManager(javax.cache.CacheManager jcacheManager) {
            return new JCacheCacheManager(jcacheManager);
        }
        // README snippet: end

        @Bean
        Books books() {
            return new Books();
        }
    }

    @Test
    @DisplayName("@Cacheable through JCacheCacheManager looks up once, and @CacheEvict(allEntries) clears")
    void springCachesThroughThisProvider() {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class)) {
            Books books = context.getBean(Books.class);

            assertThat(books.title("978-0")).isEqualTo("title of 978-0");
            assertThat(books.title("978-0")).isEqualTo("title of 978-0");
            assertThat(books.lookups()).isEqualTo(1);

            javax.cache.Cache<Object, Object> jcache =
                    context.getBean(javax.cache.CacheManager.class).getCache("books");
            assertThat(jcache.get("978-0")).isEqualTo("title of 978-0");

            books.forgetAll();
            books.title("978-0");
            assertThat(books.lookups()).isEqualTo(2);
        }
    }
}
