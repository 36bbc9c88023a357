package dev.cachekit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

@DisplayName("StableKey")
class StableKeyTest {

    record OrderKey(long id, String currency) {}

    enum Status {
        ACTIVE
    }

    record Holder(Object value) {}

    static final class Sku implements CacheKey {
        final String code;

        Sku(String code) {
            this.code = code;
        }

        @Override
        public String cacheKey() {
            return code;
        }
    }

    @Test
    @DisplayName("gives every supported type a fixed, documented form")
    void fixedForms() {
        assertThat(StableKey.of("alice")).isEqualTo("alice");
        assertThat(StableKey.of(42L)).isEqualTo("#42");
        assertThat(StableKey.of(42)).isEqualTo("#42");
        assertThat(StableKey.of(new BigDecimal("1.50"))).isEqualTo("#1.5");
        assertThat(StableKey.of(1.5d)).isEqualTo("#1.5");
        assertThat(StableKey.of(true)).isEqualTo("#true");
        assertThat(StableKey.of(Status.ACTIVE)).isEqualTo("#dev.cachekit.spring.StableKeyTest$Status.ACTIVE");
        assertThat(StableKey.of(UUID.fromString("00000000-0000-0000-0000-000000000001")))
                .isEqualTo("#UUID:00000000-0000-0000-0000-000000000001");
        assertThat(StableKey.of(LocalDate.of(2024, 5, 1))).isEqualTo("#LocalDate:2024-05-01");
        assertThat(StableKey.of(new SimpleKey("alice", 42L))).isEqualTo("#(alice,#42)");
        assertThat(StableKey.of(SimpleKey.EMPTY)).isEqualTo("#()");
        assertThat(StableKey.of(new OrderKey(7, "EUR")))
                .isEqualTo("#dev.cachekit.spring.StableKeyTest$OrderKey(#7,EUR)");
        assertThat(StableKey.of(new Sku("A-1"))).isEqualTo("#dev.cachekit.spring.StableKeyTest$Sku:A-1");
        assertThat(StableKey.of(new SimpleKey("x", null))).isEqualTo("#(x,#null)");
    }

    @Test
    @DisplayName("keeps keys apart that a naive join would merge")
    void injective() {
        assertThat(StableKey.of("#42")).isEqualTo("##42").isNotEqualTo(StableKey.of(42));
        assertThat(StableKey.of(new SimpleKey("a,b", "c"))).isNotEqualTo(StableKey.of(new SimpleKey("a", "b,c")));
        assertThat(StableKey.of(new SimpleKey("a)", "b"))).isNotEqualTo(StableKey.of(new SimpleKey("a", ")b")));
        assertThat(StableKey.of(new SimpleKey(new SimpleKey("a", "b"), "c")))
                .isNotEqualTo(StableKey.of(new SimpleKey("a", new SimpleKey("b", "c"))));
        assertThat(StableKey.of(new SimpleKey("null", "x"))).isNotEqualTo(StableKey.of(new SimpleKey(null, "x")));
    }

    @Test
    @DisplayName("refuses a type without a stable form, naming it and the ways out")
    void refusesUnknownTypes() {
        assertThatThrownBy(() -> StableKey.of(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object")
                .hasMessageContaining("KeyGenerator")
                .hasMessageContaining("dev.cachekit.spring.CacheKey");
        assertThatThrownBy(() -> StableKey.of(new Holder(new StringBuilder("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Holder.class.getName())
                .hasMessageContaining("java.lang.StringBuilder");
    }
}
