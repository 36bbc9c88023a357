package dev.cachekit.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.net.URI;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's Hibernate snippet: the second-level cache on this provider. */
class HibernateSecondLevelCacheTest {

    /** A cached entity. */
    @Entity
    @Cacheable
    public static class Book {
        @Id
        private Long id;

        private String title;

        /** For Hibernate. */
        public Book() {}

        Book(Long id, String title) {
            this.id = id;
            this.title = title;
        }

        String title() {
            return title;
        }
    }

    @Test
    @DisplayName("an entity read in a second session comes from the second-level cache, not the database")
    void secondLevelCacheHit() {
        // README snippet: start
        Properties allow = new Properties();
        allow.setProperty(JCacheProvider.ALLOW_PROPERTY, "org.hibernate.cache.,java.io.Serializable");
        CacheManager jcache = Caching.getCachingProvider(JCacheProvider.class.getName())
                .getCacheManager(URI.create("memory://hibernate"), null, allow); // or redis://...
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.url", "jdbc:h2:mem:books;DB_CLOSE_DELAY=-1")
                .applySetting("hibernate.hbm2ddl.auto", "create-drop")
                .applySetting("hibernate.cache.use_second_level_cache", "true")
                .applySetting("hibernate.cache.region.factory_class", "jcache")
                .applySetting("hibernate.javax.cache.cache_manager", jcache)
                .applySetting("hibernate.generate_statistics", "true")
                .build();
        // README snippet: end
        try (SessionFactory sessions = new MetadataSources(registry)
                .addAnnotatedClass(Book.class)
                .buildMetadata()
                .buildSessionFactory()) {
            sessions.inTransaction(session -> session.persist(new Book(1L, "Dune")));
            Statistics statistics = sessions.getStatistics();
            statistics.clear();

            String first =
                    sessions.fromSession(session -> session.find(Book.class, 1L).title());
            String second =
                    sessions.fromSession(session -> session.find(Book.class, 1L).title());

            assertThat(first).isEqualTo("Dune");
            assertThat(second).isEqualTo("Dune");
            assertThat(statistics.getSecondLevelCacheHitCount()).isEqualTo(2);
            assertThat(statistics.getEntityLoadCount()).isZero();
        } finally {
            jcache.close();
        }
    }
}
