package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.spring.CachekitCacheManager;
import dev.cachekit.spring.boot.CachekitHealthIndicator;
import dev.cachekit.tck.ServerProcess;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's Spring Boot section, taken at its word: this module's dependencies, properties and
 * code are the README's snippets, its versions are Spring Boot's managed ones, and the application
 * they make starts, caches in a real Redis, reports its health and binds its cache meters.
 */
@DisplayName("The README's Spring Boot application")
class ReadmeApplicationTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>(.*?)</dependency>",
            Pattern.DOTALL);

    private static String section() throws IOException {
        String readme = Files.readString(MODULE.resolveSibling("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Spring Boot\n");
        assertThat(start).as("the README has a Spring Boot section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static String block(String language) throws IOException {
        Matcher matcher = BLOCK.matcher(section());
        while (matcher.find()) {
            if (matcher.group(1).equals(language)) {
                return matcher.group(2);
            }
        }
        throw new AssertionError("the README's Spring Boot section has no ```" + language + " block");
    }

    /** group:artifact of each dependency (managed or not) outside test scope, in order. */
    private static List<String> dependencies(String xml) {
        List<String> found = new ArrayList<>();
        Matcher matcher = DEPENDENCY.matcher(xml);
        while (matcher.find()) {
            if (!matcher.group(3).contains("<scope>test</scope>")) {
                found.add(matcher.group(1).trim() + ":" + matcher.group(2).trim());
            }
        }
        return found;
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    @Test
    @DisplayName("its dependencies and their management are the README's, no more")
    void dependenciesAreTheReadmes() throws IOException {
        String pom = Files.readString(MODULE.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertThat(dependencies(pom)).isEqualTo(dependencies(block("xml")));
    }

    @Test
    @DisplayName("its application.properties are the README's")
    void propertiesAreTheReadmes() throws IOException {
        String properties =
                Files.readString(MODULE.resolve("src/main/resources/application.properties"), StandardCharsets.UTF_8);
        assertThat(lines(properties)).isEqualTo(lines(block("properties")));
    }

    @Test
    @DisplayName("its code is the README's")
    void codeIsTheReadmes() throws IOException {
        String code = Files.readString(
                MODULE.resolve("src/main/java/com/example/shop/ShopApplication.java"), StandardCharsets.UTF_8);
        assertThat(lines(code.substring(code.indexOf("@SpringBootApplication"))))
                .isEqualTo(lines(block("java")));
    }

    @Test
    @DisplayName("starts with Spring Boot's managed versions, loads once into Redis, is healthy and has cache meters")
    void runs() {
        try (ServerProcess redis = ServerProcess.redis()) {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(ShopApplication.class)
                    .web(WebApplicationType.NONE)
                    .properties("spring.main.banner-mode=off")
                    // A command-line argument, so that it wins over application.properties' address.
                    .run("--cachekit.uri=redis://127.0.0.1:" + redis.port());
            try {
                CachekitCacheManager manager = (CachekitCacheManager) context.getBean(CacheManager.class);
                assertThat(manager.cachekit().describe()).contains(String.valueOf(redis.port()));
                BookService books = context.getBean(BookService.class);
                BookRepository repository = context.getBean(BookRepository.class);
                assertThat(books.find(42)).isEqualTo(new Book(42, "book 42"));
                assertThat(books.find(42)).isEqualTo(new Book(42, "book 42"));
                assertThat(repository.loads).as("loads of book 42").hasValue(1);

                assertThat(context.getBean(CachekitHealthIndicator.class)
                                .health()
                                .getStatus())
                        .isEqualTo(Status.UP);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                assertThat(meters.get("cache.gets")
                                .tags("cache", "books", "result", "hit")
                                .functionCounter()
                                .count())
                        .isEqualTo(1);
                assertThat(meters.get("cache.load")
                                .tags("cache", "books", "result", "success")
                                .functionCounter()
                                .count())
                        .isEqualTo(1);
            } finally {
                context.close();
            }
        }
    }
}
