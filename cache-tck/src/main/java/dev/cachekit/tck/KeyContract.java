package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The contract of keys and prefixes: two different keys, tag names or lock names never reach one
 * store key, whatever characters they hold (lone surrogates, whitespace, control characters,
 * non-Latin scripts, the characters {@link KeyLayout} escapes), and two caches with different
 * prefixes never see each other's entries, tags, locks or fencing counters, however their prefixes
 * and keys are cut. A store that turns keys into bytes lossily, or mangles them to fit its key
 * rules, fails here.
 */
public abstract class KeyContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected KeyContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    /** Two names that differ in one character a careless encoding would lose or merge. */
    record Lookalike(String why, String one, String two) {}

    /** Two (prefix, name) pairs that a naive join of prefix and name would merge. */
    record Cut(String prefixA, String nameA, String prefixB, String nameB) {
        @Override
        public String toString() {
            return "prefix " + Printable.quote(prefixA) + " name " + Printable.quote(nameA) + " vs prefix "
                    + Printable.quote(prefixB) + " name " + Printable.quote(nameB);
        }
    }

    static Stream<Lookalike> lookalikes() {
        return Stream.of(
                new Lookalike("lone high surrogate vs '?'", "s\uD800", "s?"),
                new Lookalike("lone low surrogate vs lone high surrogate", "s\uDC00", "s\uD800"),
                new Lookalike("reversed surrogate pair vs '??'", "\uDC00\uD800", "??"),
                new Lookalike("lone surrogate vs U+FFFD", "s\uD800", "s\uFFFD"),
                new Lookalike("space vs tab", "a b", "a\tb"),
                new Lookalike("space vs no-break space", "a b", "a\u00A0b"),
                new Lookalike("LF vs CR", "line\n", "line\r"),
                new Lookalike("NUL vs nothing", "x\u0000", "x"),
                new Lookalike("trailing space vs none", "key ", "key"),
                new Lookalike("precomposed vs combining accent", "caf\u00E9", "cafe\u0301"),
                new Lookalike("Cyrillic vs Latin look-alike", "\u0441at", "cat"),
                new Lookalike("CJK", "\u65E5\u672C", "\u65E5\u5927"),
                new Lookalike("emoji vs its lone halves", "\uD83D\uDE00", "\uD83D"),
                new Lookalike("escaped bar vs bar", "a%7Cb", "a|b"),
                new Lookalike("escaped percent vs percent", "%25", "%"),
                new Lookalike("escaped surrogate vs surrogate", "%uD800", "\uD800"));
    }

    static Stream<Cut> prefixCuts() {
        return Stream.of(
                new Cut("p:", "e|secret", "p:e|", "secret"),
                new Cut("p:", "e:secret", "p:e:", "secret"),
                new Cut("p", "|e|x", "p|e|", "x"),
                new Cut("", "p:e|x", "p:", "x"),
                new Cut("p:", "t|x", "p:t|", "x"),
                new Cut("p%", "7Cx", "p", "%7Cx"),
                new Cut("p\uD800", "x", "p?", "x"));
    }

    private Cache cacheWithPrefix(Backend backend, String cachePrefix) {
        return track(cacheBuilder(backend).keyPrefix(prefix() + cachePrefix).build());
    }

    /** One dynamic test per case, each under its own sub-prefix so cases never share keys. */
    private <T> Stream<DynamicTest> each(Stream<T> cases, ThrowingConsumer<Case<T>> test) {
        AtomicInteger number = new AtomicInteger();
        return cases.map(value -> {
            String sub = "case" + number.incrementAndGet() + ":";
            String name = value instanceof Lookalike lookalike ? lookalike.why() : value.toString();
            return DynamicTest.dynamicTest(name, () -> test.accept(new Case<>(value, sub)));
        });
    }

    /** A case and the sub-prefix of the test's prefix it runs under. */
    record Case<T>(T value, String sub) {}

    @Nested
    class Lookalikes {

        @TestFactory
        @DisplayName("are two entries: each keeps its value, and removing one leaves the other")
        Stream<DynamicTest> entries() {
            Backend backend = open();
            return each(lookalikes(), c -> {
                Cache cache = cacheWithPrefix(backend, c.sub());
                String one = c.value().one();
                String two = c.value().two();

                cache.put(one, "one");
                cache.put(two, "two");

                assertThat(cache.get(one, String.class).value()).isEqualTo("one");
                assertThat(cache.get(two, String.class).value()).isEqualTo("two");
                cache.remove(one);
                assertThat(cache.get(one, String.class).isHit()).isFalse();
                assertThat(cache.get(two, String.class).value()).isEqualTo("two");
            });
        }

        @TestFactory
        @DisplayName("are two store keys: only the one written holds anything")
        Stream<DynamicTest> storeKeys() {
            Backend backend = open();
            return each(lookalikes(), c -> {
                Cache cache = cacheWithPrefix(backend, c.sub());
                KeyLayout layout = KeyLayout.of(prefix() + c.sub());

                cache.put(c.value().one(), "one");

                assertThat(backendFixture().rawGet(layout.entry(c.value().one())))
                        .isNotNull();
                assertThat(backendFixture().rawGet(layout.entry(c.value().two())))
                        .isNull();
            });
        }

        @TestFactory
        @DisplayName("are two tags: flushing one leaves the other's entries")
        Stream<DynamicTest> tags() {
            Backend backend = open();
            return each(lookalikes(), c -> {
                Cache cache = cacheWithPrefix(backend, c.sub());
                String one = c.value().one();
                String two = c.value().two();
                cache.tags(one).put("under-one", "1");
                cache.tags(two).put("under-two", "2");

                cache.tags(one).flush();

                assertThat(cache.tags(one).get("under-one", String.class).isHit())
                        .isFalse();
                assertThat(cache.tags(two).get("under-two", String.class).value())
                        .isEqualTo("2");
            });
        }

        @TestFactory
        @DisplayName("are two locks, with two fencing counters: holding one does not hold the other")
        Stream<DynamicTest> locks() {
            Backend backend = open();
            return each(lookalikes(), c -> {
                Cache cache = cacheWithPrefix(backend, c.sub());
                String one = c.value().one();
                String two = c.value().two();

                try (HeldLock first = cache.lock(one).tryAcquire().orElseThrow()) {
                    Optional<HeldLock> second = cache.lock(two).tryAcquire();
                    assertThat(second)
                            .as("the second lock while the first is held")
                            .isPresent();
                    second.get().close();
                    assertThat(cache.lock(one).tryAcquire()).isEmpty();
                    assertThat(first.fencingToken()).isPositive();
                }
            });
        }
    }

    @Nested
    class Prefixes {

        @TestFactory
        @DisplayName("never read each other's entries")
        Stream<DynamicTest> entries() {
            Backend first = open();
            Backend second = openSecond();
            return each(prefixCuts(), c -> {
                Cut cut = c.value();
                Cache a = cacheWithPrefix(first, c.sub() + cut.prefixA());
                Cache b = cacheWithPrefix(second, c.sub() + cut.prefixB());

                a.put(cut.nameA(), "from a");

                assertThat(b.get(cut.nameA(), String.class).isHit()).isFalse();
                assertThat(b.get(cut.nameB(), String.class).isHit()).isFalse();
                b.put(cut.nameB(), "from b");
                assertThat(a.get(cut.nameA(), String.class).value()).isEqualTo("from a");
                assertThat(b.get(cut.nameB(), String.class).value()).isEqualTo("from b");
                b.remove(cut.nameB());
                assertThat(a.get(cut.nameA(), String.class).value()).isEqualTo("from a");
            });
        }

        @TestFactory
        @DisplayName("never flush each other's tags")
        Stream<DynamicTest> tags() {
            Backend first = open();
            Backend second = openSecond();
            return each(prefixCuts(), c -> {
                Cut cut = c.value();
                Cache a = cacheWithPrefix(first, c.sub() + cut.prefixA());
                Cache b = cacheWithPrefix(second, c.sub() + cut.prefixB());
                a.tags(cut.nameA()).put("x", "a");
                b.tags(cut.nameB()).put("x", "b");

                b.tags(cut.nameB()).flush();

                assertThat(a.tags(cut.nameA()).get("x", String.class).value()).isEqualTo("a");
                assertThat(b.tags(cut.nameB()).get("x", String.class).isHit()).isFalse();
            });
        }

        @TestFactory
        @DisplayName("never hold each other's locks")
        Stream<DynamicTest> locks() {
            Backend first = open();
            Backend second = openSecond();
            return each(prefixCuts(), c -> {
                Cut cut = c.value();
                Cache a = cacheWithPrefix(first, c.sub() + cut.prefixA());
                Cache b = cacheWithPrefix(second, c.sub() + cut.prefixB());

                try (HeldLock held = a.lock(cut.nameA()).tryAcquire().orElseThrow()) {
                    Optional<HeldLock> other = b.lock(cut.nameB()).tryAcquire();
                    assertThat(other).isPresent();
                    other.get().close();
                    assertThat(held.fencingToken()).isPositive();
                }
            });
        }

        @Test
        @DisplayName("keep entries, tags, locks and fencing counters at store keys the other cannot reach")
        void storeKeys() {
            List<String> keys = prefixCuts()
                    .flatMap(cut -> {
                        KeyLayout a = KeyLayout.of(prefix() + cut.prefixA());
                        KeyLayout b = KeyLayout.of(prefix() + cut.prefixB());
                        String x = cut.nameA();
                        String y = cut.nameB();
                        return Stream.of(
                                a.entry(x),
                                a.tag(x),
                                a.lock(x),
                                a.fence(x),
                                a.loadLock(x),
                                b.entry(y),
                                b.tag(y),
                                b.lock(y),
                                b.fence(y),
                                b.loadLock(y));
                    })
                    .toList();

            assertThat(keys).doesNotHaveDuplicates();
            Cache a = cacheWithPrefix(open(), "p:");
            a.put("e|secret", "a");
            assertThat(backendFixture().rawGet(KeyLayout.of(prefix() + "p:").entry("e|secret")))
                    .isNotNull();
            assertThat(backendFixture().rawGet(KeyLayout.of(prefix() + "p:e|").entry("secret")))
                    .isNull();
        }
    }
}
