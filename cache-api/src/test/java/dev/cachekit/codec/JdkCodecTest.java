package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CodecException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JdkCodec")
class JdkCodecTest {

    record Order(long id, List<String> items) implements Serializable {}

    @Test
    @DisplayName("round-trips an allowed serializable record")
    void roundTrip() {
        JdkCodec codec = JdkCodec.builder().allowClass(Order.class).build();
        Order order = new Order(7, new ArrayList<>(List.of("book")));

        assertThat(codec.decode(codec.encode(order), Order.class)).isEqualTo(order);
    }

    @Test
    @DisplayName("bytes naming a class outside the allow-list are refused before the class loads")
    void refusesForeignClass() {
        byte[] bytes = JdkCodec.builder().allowClass(Order.class).build().encode(new Order(1, new ArrayList<>()));

        assertThatThrownBy(() -> JdkCodec.create().decode(bytes, Object.class))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith(
                        "class dev.cachekit.codec.JdkCodecTest$Order is not on the jdk codec's allow-list");
    }
}
