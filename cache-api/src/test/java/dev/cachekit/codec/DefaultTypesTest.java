package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CodecException;
import java.io.File;
import java.io.Serializable;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks the classes the README and {@link KryoCodec}'s javadoc list as allowed by default, plus
 * the JDK's immutable and unmodifiable collections and records of allowed components, through both
 * codecs with no configuration beyond allowing the record.
 */
@DisplayName("The default allow-list")
class DefaultTypesTest {

    record Profile(UUID id, List<String> roles, Map<String, Integer> scores, Set<Locale> locales, Instant at)
            implements Serializable {}

    /** One sample per documented type; "Optional" is Kryo-only: it is not Serializable. */
    static Stream<Arguments> documented() {
        Map<String, Object> samples = new LinkedHashMap<>();
        samples.put("String", "héllo \uD83D\uDE00");
        samples.put("Boolean", Boolean.TRUE);
        samples.put("Byte", (byte) -3);
        samples.put("Character", 'x');
        samples.put("Short", (short) 300);
        samples.put("Integer", 42);
        samples.put("Long", Long.MIN_VALUE);
        samples.put("Float", 1.5f);
        samples.put("Double", Math.PI);
        samples.put("BigInteger", new BigInteger("123456789012345678901234567890"));
        samples.put("BigDecimal", new BigDecimal("-12.3400"));
        samples.put("UUID", UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"));
        samples.put("Date", new Date(1_700_000_000_000L));
        samples.put("Locale", Locale.CANADA_FRENCH);
        samples.put("ArrayList", new ArrayList<>(List.of("a", "b")));
        samples.put("LinkedList", new LinkedList<>(List.of(1, 2)));
        samples.put("HashMap", new HashMap<>(Map.of("a", 1, "b", 2)));
        samples.put("LinkedHashMap", new LinkedHashMap<>(Map.of("a", List.of(1))));
        samples.put("TreeMap", new TreeMap<>(Map.of("b", 2L, "a", 1L)));
        samples.put("HashSet", new HashSet<>(Set.of("a", "b")));
        samples.put("LinkedHashSet", new LinkedHashSet<>(List.of(3, 1, 2)));
        samples.put("TreeSet", new TreeSet<>(Set.of("z", "y")));
        samples.put("Instant", Instant.parse("2026-11-30T12:00:00.123456789Z"));
        samples.put("LocalDate", LocalDate.of(2026, 2, 28));
        samples.put("LocalTime", LocalTime.of(23, 59, 1));
        samples.put("LocalDateTime", LocalDateTime.of(2026, 1, 2, 3, 4));
        samples.put("ZonedDateTime", ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 6, ZoneId.of("Europe/Paris")));
        samples.put("OffsetDateTime", OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(-3)));
        samples.put("Duration", Duration.ofMillis(1234));
        samples.put("Period", Period.of(1, 2, 3));
        samples.put("Year", Year.of(2026));
        samples.put("YearMonth", YearMonth.of(2026, 11));
        samples.put("ZoneId", ZoneId.of("America/Sao_Paulo"));
        samples.put("ZoneOffset", ZoneOffset.ofHours(5));
        samples.put("String[]", new String[] {"a", null});
        samples.put("Integer[]", new Integer[] {1, 2});
        samples.put("UUID[]", new UUID[] {UUID.randomUUID()});
        samples.put("LocalDate[]", new LocalDate[] {LocalDate.EPOCH});
        samples.put("int[]", new int[] {1, -1});
        samples.put("byte[]", new byte[] {1, 2});
        samples.put("double[][]", new double[][] {{1.5}, {}});
        samples.put("List.of()", List.of());
        samples.put("List.of(1)", List.of("one"));
        samples.put("List.of(1, 2, 3)", List.of("1", "2", "3"));
        samples.put("Stream.toList with null", Stream.of("a", null).toList());
        samples.put("Set.of()", Set.of());
        samples.put("Set.of(1)", Set.of(1));
        samples.put("Set.of(1, 2, 3)", Set.of(1, 2, 3));
        samples.put("Map.of()", Map.of());
        samples.put("Map.of(1)", Map.of("a", 1));
        samples.put("Map.of(2)", Map.of("a", 1, "b", 2));
        samples.put("Map.copyOf", Map.copyOf(new HashMap<>(Map.of("x", "y"))));
        samples.put("Arrays.asList", Arrays.asList("a", "b"));
        samples.put("emptyList", Collections.emptyList());
        samples.put("emptySet", Collections.emptySet());
        samples.put("emptyMap", Collections.emptyMap());
        samples.put("singletonList", Collections.singletonList("one"));
        samples.put("singleton", Collections.singleton(1));
        samples.put("singletonMap", Collections.singletonMap("k", "v"));
        samples.put("unmodifiableList", Collections.unmodifiableList(new ArrayList<>(List.of(1))));
        samples.put("unmodifiableList(LinkedList)", Collections.unmodifiableList(new LinkedList<>(List.of(1))));
        samples.put("unmodifiableSet", Collections.unmodifiableSet(new HashSet<>(Set.of(1))));
        samples.put("unmodifiableMap", Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2))));
        samples.put("unmodifiableCollection", Collections.unmodifiableCollection(new ArrayList<>(List.of(1))));
        samples.put("HashMap of HashSets", new HashMap<>(Map.of("k", new HashSet<>(Set.of(List.of(1))))));

        List<Arguments> arguments = new ArrayList<>();
        for (Codec codec : List.of(KryoCodec.create(), JdkCodec.create())) {
            samples.forEach((name, value) -> arguments.add(Arguments.of(codec.name(), name, codec, value)));
        }
        // Neither is Serializable, so Java serialization cannot write them.
        arguments.add(Arguments.of(
                "kryo",
                "List.of(...).subList",
                KryoCodec.create(),
                List.of(1, 2, 3).subList(1, 3)));
        arguments.add(Arguments.of("kryo", "Optional", KryoCodec.create(), Optional.of("x")));
        arguments.add(Arguments.of("kryo", "Optional.empty", KryoCodec.create(), Optional.empty()));
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("documented")
    @DisplayName("round-trips, keeping the value and its class")
    void roundTrips(String codecName, String type, Codec codec, Object value) {
        Object back = codec.decode(codec.encode(value), Object.class);

        if (type.equals("unmodifiableCollection")) {
            // Its equals is identity: compare what it holds.
            assertThat(new ArrayList<>((Collection<?>) back)).isEqualTo(new ArrayList<>((Collection<?>) value));
        } else {
            assertThat(back).isEqualTo(value);
        }
        if (!value.getClass().getName().startsWith("java.util.ImmutableCollections$")) {
            assertThat(back.getClass()).as("class of " + type).isEqualTo(value.getClass());
        }
    }

    static Stream<Codec> codecs() {
        return Stream.of(
                KryoCodec.builder().allowClass(Profile.class).build(),
                JdkCodec.builder().allowClass(Profile.class).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("round-trips a record whose components are allowed, holding immutable collections")
    void record(Codec codec) {
        Profile profile = new Profile(
                UUID.randomUUID(),
                List.of("admin", "ops"),
                Map.of("a", 1),
                Set.of(Locale.GERMANY),
                Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(codec.decode(codec.encode(profile), Profile.class)).isEqualTo(profile);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("refuses a class outside the list with advice that compiles as written")
    void adviceCompiles(Codec codec, @TempDir Path dir) throws Exception {
        Codec strict = codec instanceof KryoCodec ? KryoCodec.create() : JdkCodec.create();
        Object value = new Profile(UUID.randomUUID(), List.of(), Map.of(), Set.of(), Instant.EPOCH);
        byte[] bytes = codec.encode(value);

        String message = null;
        try {
            strict.decode(bytes, Object.class);
        } catch (CodecException e) {
            message = e.getMessage();
        }
        assertThat(message).contains("allow it with ");
        String advice = message.substring(message.indexOf("allow it with ") + "allow it with ".length());
        String[] calls = advice.split(" or ");
        String source = "package elsewhere;\n"
                + "class Advice {\n"
                + "  Object first() { return dev.cachekit.codec." + calls[0] + ".build(); }\n"
                + "  Object second() { return dev.cachekit.codec."
                + calls[0].substring(0, calls[0].indexOf(".allowClass"))
                + calls[1] + ".build(); }\n"
                + "}\n";
        Path file = dir.resolve("elsewhere/Advice.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean compiled = compiler.getTask(
                        errors,
                        null,
                        null,
                        List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()),
                        null,
                        compiler.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile()))
                .call();

        assertThat(compiled).as(source + errors).isTrue();
        assertThat(new File(dir.toFile(), "elsewhere/Advice.class")).exists();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("a name from hostile bytes gets no advice, and is shown escaped")
    void hostileName(Codec codec) {
        String advice = ClassAllowList.adviceFor("evil\r\nINFO forged", codec.name());

        assertThat(advice).doesNotContain("\n").doesNotContain("\r").doesNotContain("allowClass");
        assertThatThrownBy(() -> KryoCodec.builder().allowClass("[Ljava.lang.String;"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(URI.create("x:y")).isNotNull();
    }
}
