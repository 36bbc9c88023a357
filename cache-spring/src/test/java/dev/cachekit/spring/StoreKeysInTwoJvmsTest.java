package dev.cachekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.KeyLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

@DisplayName("Store keys of Spring cache keys")
class StoreKeysInTwoJvmsTest {

    /** A record key, as an application would declare one. */
    public record OrderKey(long customer, String currency) {}

    static final String PREFIX = "shop:";

    /** The keys of several types, in one fixed order. */
    static List<Object> keys() {
        return List.of("alice", 42L, 7, new SimpleKey("alice", 42L), new OrderKey(42, "EUR"));
    }

    /** The store keys of {@link #keys()} in the cache "orders", computed in this JVM. */
    static List<String> storeKeys() {
        try (Cache cache = Caches.builder().uri("memory:").keyPrefix(PREFIX).build()) {
            CachekitSpringCache orders =
                    CachekitCacheManager.builder(cache).build().getCache("orders");
            KeyLayout layout = KeyLayout.of(PREFIX);
            List<String> storeKeys = new ArrayList<>();
            for (Object key : keys()) {
                storeKeys.add(layout.entry(orders.cachekitKey(key)));
            }
            return storeKeys;
        }
    }

    /** Prints the store keys, one a line: the second JVM. */
    public static void main(String[] args) {
        storeKeys().forEach(System.out::println);
    }

    @Test
    @DisplayName(
            "String, Long, Integer, SimpleKey of two arguments and a record give the same store key in another JVM,"
                    + " and the documented one")
    void sameInAnotherJvm() throws IOException, InterruptedException {
        List<String> expected = List.of(
                "shop:e|orders::alice",
                "shop:e|orders::#42",
                "shop:e|orders::#7",
                "shop:e|orders::#(alice,#42)",
                "shop:e|orders::#dev.cachekit.spring.StoreKeysInTwoJvmsTest$OrderKey(#42,EUR)");
        assertThat(storeKeys()).isEqualTo(expected);

        Process other = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        // Identity hashes of another kind (all 1): nothing may depend on them.
                        "-XX:+UnlockExperimentalVMOptions",
                        "-XX:hashCode=2",
                        StoreKeysInTwoJvmsTest.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(other.exitValue()).as(output).isZero();
        assertThat(output.lines().filter(line -> line.startsWith(PREFIX)).toList())
                .as(output)
                .isEqualTo(expected);
    }
}
