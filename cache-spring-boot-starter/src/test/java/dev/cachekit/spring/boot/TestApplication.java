package dev.cachekit.spring.boot;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** An application as a user writes one: caching enabled, the starter on the class path, a service. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
public class TestApplication {

    @Bean
    BookService bookService() {
        return new BookService();
    }

    /**
     * Starts one "node": its own context, so its own connections (or Hazelcast member).
     *
     * @param properties {@code name=value} properties
     * @return the running context
     */
    static ConfigurableApplicationContext start(String... properties) {
        List<String> all = new ArrayList<>(List.of(properties));
        all.add("spring.main.banner-mode=off");
        all.add("management.endpoints.access.default=none");
        return new SpringApplicationBuilder(TestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(all.toArray(String[]::new))
                .run();
    }
}
