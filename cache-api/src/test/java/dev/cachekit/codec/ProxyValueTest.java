package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CodecException;
import dev.cachekit.core.Caches;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("A java.lang.reflect.Proxy value")
class ProxyValueTest {

    /** A proxied interface. */
    public interface Greeter {
        String greet(String name);
    }

    /** A second one. */
    public interface Named {
        String name();
    }

    /** A handler that is a plain value. */
    record Greeting(String word) implements InvocationHandler, Serializable {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return method.getName().equals("greet") ? word + ", " + args[0] : word;
        }
    }

    private static final String GREETER = Greeter.class.getName();
    private static final String NAMED = Named.class.getName();

    static Object proxy() {
        return Proxy.newProxyInstance(
                ProxyValueTest.class.getClassLoader(), new Class<?>[] {Greeter.class, Named.class}, new Greeting("hi"));
    }

    static Stream<Arguments> codecs() {
        Function<String[], Codec> kryo = names -> {
            KryoCodec.Builder builder = KryoCodec.builder();
            for (String name : names) {
                builder.allowClass(name);
            }
            return builder.build();
        };
        Function<String[], Codec> jdk = names -> {
            JdkCodec.Builder builder = JdkCodec.builder();
            for (String name : names) {
                builder.allowClass(name);
            }
            return builder.build();
        };
        return Stream.of(Arguments.of("kryo", kryo), Arguments.of("jdk", jdk));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("refused at put names the proxy's class and the interfaces to allow, not InvocationHandler")
    void refusedAtPut(String name, Function<String[], Codec> codec) {
        Object proxy = proxy();
        try (Cache cache = Caches.builder()
                .uri("memory:")
                .codec(codec.apply(new String[] {Greeting.class.getName()}))
                .build()) {
            assertThatThrownBy(() -> cache.put("p", proxy))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("'cachekit:e|p'")
                    .hasMessageContaining(
                            "java.lang.reflect.Proxy (class " + proxy.getClass().getName() + ")")
                    .hasMessageContaining("implementing " + GREETER + ", " + NAMED)
                    .hasMessageContaining(".allowClass(\"" + GREETER + "\").allowClass(\"" + NAMED + "\")")
                    .hasMessageNotContaining("InvocationHandler\"")
                    .hasMessageNotContaining("java.lang.reflect.\"");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("with one interface allowed, names only the other")
    void oneRefused(String name, Function<String[], Codec> codec) {
        Codec partly = codec.apply(new String[] {GREETER, Greeting.class.getName()});

        assertThatThrownBy(() -> partly.encode(proxy()))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(NAMED + " is not on the " + name + " codec's allow-list")
                .hasMessageContaining("allow its interfaces with")
                .hasMessageContaining(".allowClass(\"" + NAMED + "\")")
                .hasMessageNotContaining(".allowClass(\"" + GREETER + "\")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("round-trips once its interfaces and its handler's class are allowed, inside a list too")
    void allowed(String name, Function<String[], Codec> codec) {
        Codec allowing = codec.apply(new String[] {GREETER, NAMED, Greeting.class.getName()});
        List<Object> value = new ArrayList<>(List.of(proxy(), "x"));

        List<?> read = allowing.decode(allowing.encode(value), List.class);

        assertThat(((Greeter) read.get(0)).greet("Ada")).isEqualTo("hi, Ada");
        assertThat(((Named) read.get(0)).name()).isEqualTo("hi");
        assertThat(Proxy.isProxyClass(read.get(0).getClass())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("in bytes from another writer, refused when read names the interfaces to allow")
    void refusedWhenRead(String name, Function<String[], Codec> codec) {
        byte[] bytes = codec.apply(new String[] {GREETER, NAMED, Greeting.class.getName()})
                .encode(new ArrayList<>(List.of(proxy())));
        Codec reader = codec.apply(new String[] {NAMED, Greeting.class.getName()});

        assertThatThrownBy(() -> reader.decode(bytes, Object.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("java.lang.reflect.Proxy implementing " + GREETER + ", " + NAMED)
                .hasMessageContaining(".allowClass(\"" + GREETER + "\")")
                .hasMessageNotContaining("java.lang.reflect.\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("whose handler's class is not allowed is refused naming that class")
    void handlerRefused(String name, Function<String[], Codec> codec) {
        Codec noHandler = codec.apply(new String[] {GREETER, NAMED});

        assertThatThrownBy(() -> noHandler.encode(proxy()))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(Greeting.class.getName() + " is not on the " + name + " codec's allow-list");
    }
}
