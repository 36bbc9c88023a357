package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CodecException;
import dev.cachekit.codec.Codec;
import dev.cachekit.codec.JdkCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("A hostile entry read through the cache")
class HostileEntryCacheTest {

    @Test
    @Timeout(60)
    @DisplayName("fails fast with a CodecException naming the key (escaped), the codec and the limit")
    void nestedSets() {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < 28; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        try (Cache cache = Caches.builder()
                        .uri("memory://hostile-entry")
                        .codec(JdkCodec.create())
                        .build();
                Cache unchecked = Caches.builder()
                        .uri("memory://hostile-entry")
                        .codec(new UncheckedJdkWriter())
                        .build()) {
            assertThatThrownBy(() -> cache.put("dos\r\nforged", root))
                    .as("the cache refuses to write what it could not read")
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("dos\\r\\nforged'")
                    .hasMessageContaining("hashing")
                    .hasMessageNotContaining("\n");
            assertThat(cache.get("dos\r\nforged", Object.class).isHit()).isFalse();

            unchecked.put("dos\r\nforged", root);

            assertThatThrownBy(() -> cache.get("dos\r\nforged", Object.class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("dos\\r\\nforged'")
                    .hasMessageContaining("jdk")
                    .hasMessageContaining("hashing")
                    .hasMessageNotContaining("\n");
            assertThat(cache.get("other", Object.class).isHit()).isFalse();
        }
    }

    /** Java serialization as another writer (an older version, a hostile one) would store it: no checks. */
    private static final class UncheckedJdkWriter implements Codec {
        @Override
        public byte id() {
            return JdkCodec.ID;
        }

        @Override
        public String name() {
            return "unchecked jdk";
        }

        @Override
        public byte[] encode(Object value) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        @Override
        public <T> T decode(byte[] bytes, Class<T> type) {
            throw new UnsupportedOperationException("writes only");
        }
    }
}
