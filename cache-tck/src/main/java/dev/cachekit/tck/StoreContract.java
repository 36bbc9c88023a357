package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of a {@link Store}, as its javadoc states it: bytes by key, multi-gets of any size
 * in order, copies on every path, TTLs that are kept as given and really expire at the declared
 * granularity, expired entries absent for conditional writes too, values compared as bytes, keys
 * kept apart whatever their characters, atomic conditional writes across clients, and the declared
 * key and value limits. A backend runs it through {@link Tck}, with every other contract.
 */
public abstract class StoreContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected StoreContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private static final long LONG_TTL_MILLIS = Duration.ofMinutes(10).toMillis();

    /** What an entry may outlive its TTL plus two granularity steps by: scheduling, not lingering. */
    private static final Duration GRANULARITY_SLACK = Duration.ofMillis(100);

    @Nested
    class ReadingAndWriting {

        @Test
        @DisplayName("a value that was set is read back, and a key never set reads as null")
        void setThenGet() {
            Store store = open().store();
            store.set(key("a"), bytes("alpha"), Store.NO_EXPIRY);
            assertThat(store.get(key("a"))).isEqualTo(bytes("alpha"));
            assertThat(store.get(key("never-set"))).isNull();
        }

        @Test
        @DisplayName("a multi-get of present, absent and repeated keys answers positionally, null for each absent key")
        void multiGetIsPositional() {
            Store store = open().store();
            store.set(key("a"), bytes("A"), Store.NO_EXPIRY);
            store.set(key("b"), bytes("B"), Store.NO_EXPIRY);
            List<byte[]> values = store.getAll(
                    List.of(key("a"), key("absent-1"), key("b"), key("a"), key("absent-2"), key("b"), key("a")));
            assertThat(values).hasSize(7);
            assertThat(values.get(0)).isEqualTo(bytes("A"));
            assertThat(values.get(1)).isNull();
            assertThat(values.get(2)).isEqualTo(bytes("B"));
            assertThat(values.get(3)).isEqualTo(bytes("A"));
            assertThat(values.get(4)).isNull();
            assertThat(values.get(5)).isEqualTo(bytes("B"));
            assertThat(values.get(6)).isEqualTo(bytes("A"));
        }

        @Test
        @DisplayName("a multi-get of 500 keys returns every value in order")
        void largeMultiGet() {
            Store store = open().store();
            Map<String, byte[]> entries = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                keys.add(key("k" + i));
                if (i % 3 != 0) {
                    entries.put(key("k" + i), bytes("v" + i));
                }
            }
            store.setAll(entries, Store.NO_EXPIRY);
            List<byte[]> values = store.getAll(keys);
            assertThat(values).hasSize(500);
            for (int i = 0; i < 500; i++) {
                assertThat(values.get(i)).as("value of k%d", i).isEqualTo(i % 3 == 0 ? null : bytes("v" + i));
            }
        }

        @Test
        @DisplayName("set overwrites the previous value, and setAll writes every entry")
        void overwriteAndSetAll() {
            Store store = open().store();
            store.set(key("a"), bytes("first"), Store.NO_EXPIRY);
            store.set(key("a"), bytes("second"), Store.NO_EXPIRY);
            store.setAll(Map.of(key("b"), bytes("B"), key("c"), bytes("C")), Store.NO_EXPIRY);
            assertThat(store.getAll(List.of(key("a"), key("b"), key("c"))))
                    .containsExactly(bytes("second"), bytes("B"), bytes("C"));
        }

        @Test
        @DisplayName("values holding every byte value 0..255 come back unchanged")
        void everyByteValue() {
            Store store = open().store();
            byte[] all = new byte[512];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) (i % 256);
            }
            byte[] reversed = all.clone();
            for (int i = 0; i < reversed.length; i++) {
                reversed[i] = all[all.length - 1 - i];
            }
            store.set(key("all"), all, Store.NO_EXPIRY);
            store.setAll(Map.of(key("reversed"), reversed), Store.NO_EXPIRY);
            assertThat(store.get(key("all"))).isEqualTo(all);
            assertThat(store.getAll(List.of(key("reversed"), key("all")))).containsExactly(reversed, all);
        }

        @Test
        @DisplayName("a value of length 0 is stored as present and empty, not as absent")
        void emptyValue() {
            Store store = open().store();
            store.set(key("empty"), new byte[0], Store.NO_EXPIRY);
            assertThat(store.get(key("empty"))).isNotNull().isEmpty();
            assertThat(store.getAll(List.of(key("empty"), key("absent")))).containsExactly(new byte[0], null);
            assertThat(store.setIfAbsent(key("empty"), bytes("x"), Store.NO_EXPIRY))
                    .as("setIfAbsent on a key holding an empty value")
                    .isFalse();
        }

        @Test
        @DisplayName("the store keeps no reference to the caller's array: changing it after set changes nothing")
        void valuesAreNotAliased() {
            Store store = open().store();
            byte[] value = bytes("original");
            store.set(key("a"), value, Store.NO_EXPIRY);
            Arrays.fill(value, (byte) 'X');
            byte[] read = store.get(key("a"));
            assertThat(read).isEqualTo(bytes("original"));
            Arrays.fill(read, (byte) 'Y');
            assertThat(store.get(key("a"))).isEqualTo(bytes("original"));
        }

        @Test
        @DisplayName("keys with spaces, colons and non-ASCII characters are stored apart and read back")
        void unusualKeys() {
            Store store = open().store();
            List<String> keys =
                    List.of(key("with space"), key("with:colon"), key("ключ-ü-✓"), key("Case"), key("case"));
            for (int i = 0; i < keys.size(); i++) {
                store.set(keys.get(i), bytes("v" + i), Store.NO_EXPIRY);
            }
            List<byte[]> values = store.getAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                assertThat(values.get(i)).as("value of '%s'", keys.get(i)).isEqualTo(bytes("v" + i));
            }
        }

        @Test
        @DisplayName("keys that differ only in characters a lossy encoding would merge (non-Latin scripts, whitespace,"
                + " control characters, composed and decomposed accents, lone surrogates) are stored apart")
        void keysALossyEncodingWouldMergeStayApart() {
            Store store = open().store();
            KeyLayout layout = KeyLayout.of(prefix());
            List<String> keys = new ArrayList<>();
            for (String name : List.of(
                    "ключ",
                    "слон",
                    "键值对象",
                    "ÄÖÜß",
                    "????",
                    "a b",
                    "a_b",
                    "ab",
                    "a\tb",
                    "a\nb",
                    "a\rb",
                    "a\u000Bb",
                    "a\u0000b",
                    "a\u0001b",
                    "a\u001Fb",
                    "a\u007Fb",
                    "a\u00A0b",
                    "a\u2028b",
                    "a\u3000b",
                    " ab",
                    "ab ",
                    "ab\n",
                    "\u00E9",
                    "e\u0301",
                    "\uFF41b")) {
                keys.add(key(name));
            }
            // Lone surrogates reach a store only escaped (KeyLayout), so the store sees them that way too.
            for (String name : List.of("s\uD800", "s\uDC00", "s?", "s\uFFFD", "s\uD800\uD800")) {
                keys.add(layout.entry(name));
            }
            assertThat(new HashSet<>(keys))
                    .as("the kit's own keys are distinct")
                    .hasSize(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                store.set(keys.get(i), bytes("v" + i), Store.NO_EXPIRY);
            }
            List<byte[]> values = store.getAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                assertThat(values.get(i))
                        .as("value of %s", visible(keys.get(i)))
                        .isEqualTo(bytes("v" + i));
            }
            assertThat(store.delete(keys.get(0))).isTrue();
            assertThat(store.compareAndDelete(keys.get(5), bytes("v5"))).isTrue();
            List<byte[]> after = store.getAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                assertThat(after.get(i))
                        .as("value of %s after deleting two others", visible(keys.get(i)))
                        .isEqualTo(i == 0 || i == 5 ? null : bytes("v" + i));
            }
        }

        @Test
        @DisplayName("delete removes a key and tells whether it was present")
        void delete() {
            Store store = open().store();
            store.set(key("a"), bytes("A"), Store.NO_EXPIRY);
            assertThat(store.delete(key("a"))).isTrue();
            assertThat(store.get(key("a"))).isNull();
            assertThat(store.delete(key("a"))).isFalse();
        }

        @Test
        @DisplayName("describe() names the store, and close() may be called twice")
        void describeAndClose() {
            Backend backend = backendFixture().open();
            assertThat(backend.store().describe()).isNotBlank();
            backend.close();
            backend.close();
        }
    }

    @Nested
    class Expiry {

        @Test
        @DisplayName("an entry with a TTL of two granularity steps is there at first and gone after it")
        void ttlExpires() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            Duration ttl = step(caps).multipliedBy(2);
            store.set(key("short"), bytes("S"), ttl.toMillis());
            store.set(key("forever"), bytes("F"), Store.NO_EXPIRY);
            store.set(key("long"), bytes("L"), LONG_TTL_MILLIS);
            assertThat(store.get(key("short"))).isEqualTo(bytes("S"));
            waitPastTtl(ttl, caps);
            assertThat(store.getAll(List.of(key("short"), key("forever"), key("long"))))
                    .containsExactly(null, bytes("F"), bytes("L"));
            assertThat(store.setIfAbsent(key("short"), bytes("again"), Store.NO_EXPIRY))
                    .as("setIfAbsent on an expired key")
                    .isTrue();
        }

        @Test
        @DisplayName("setAll and setIfAbsent apply their TTL to what they write")
        void ttlOfBulkAndConditionalWrites() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            Duration ttl = step(caps).multipliedBy(2);
            store.setAll(Map.of(key("a"), bytes("A"), key("b"), bytes("B")), ttl.toMillis());
            assertThat(store.setIfAbsent(key("c"), bytes("C"), ttl.toMillis())).isTrue();
            waitPastTtl(ttl, caps);
            assertThat(store.getAll(List.of(key("a"), key("b"), key("c")))).containsExactly(null, null, null);
        }

        @Test
        @DisplayName("a TTL below the store's granularity is rounded up and still expires, never turned into no expiry")
        void tinyTtlStillExpires() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            long tiny = Math.max(1, caps.ttlGranularity().toMillis() / 2);
            store.set(key("tiny"), bytes("T"), tiny);
            waitPastTtl(caps.ttlGranularity(), caps);
            assertThat(store.get(key("tiny"))).isNull();
        }

        @Test
        @DisplayName("a sub-second TTL of 150 ms expires well before a second")
        void subSecondTtl() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            assumeCapability(
                    caps.subSecondTtl(),
                    "TTL granularity is " + caps.ttlGranularity() + ", so sub-second TTLs are rounded up");
            store.set(key("fast"), bytes("F"), 150);
            store.set(key("slow"), bytes("S"), 5_000);
            sleep(Duration.ofMillis(700));
            assertThat(store.getAll(List.of(key("fast"), key("slow")))).containsExactly(null, bytes("S"));
        }

        @Test
        @DisplayName("a TTL longer than 30 days is kept as a duration, not read as a point in time")
        void longTtlIsADuration() {
            Store store = open().store();
            long days31 = Duration.ofDays(31).toMillis();
            store.set(key("set"), bytes("A"), days31);
            store.setAll(Map.of(key("setAll"), bytes("B")), days31);
            store.setIfAbsent(key("setIfAbsent"), bytes("C"), days31);
            assertThat(store.getAll(List.of(key("set"), key("setAll"), key("setIfAbsent"))))
                    .containsExactly(bytes("A"), bytes("B"), bytes("C"));
        }

        @Test
        @DisplayName("compareAndSet gives the entry its new TTL")
        void compareAndSetSetsTtl() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            Duration shortTtl = step(caps).multipliedBy(2);
            store.set(key("extended"), bytes("v1"), shortTtl.toMillis());
            store.set(key("shortened"), bytes("w1"), LONG_TTL_MILLIS);
            assertThat(store.compareAndSet(key("extended"), bytes("v1"), bytes("v2"), LONG_TTL_MILLIS))
                    .isTrue();
            assertThat(store.compareAndSet(key("shortened"), bytes("w1"), bytes("w2"), shortTtl.toMillis()))
                    .isTrue();
            waitPastTtl(shortTtl, caps);
            assertThat(store.getAll(List.of(key("extended"), key("shortened")))).containsExactly(bytes("v2"), null);
        }
    }

    @Nested
    class ConditionalWrites {

        @Test
        @DisplayName("setIfAbsent writes only when the key is absent")
        void setIfAbsent() {
            Store store = open().store();
            assertThat(store.setIfAbsent(key("a"), bytes("first"), Store.NO_EXPIRY))
                    .isTrue();
            assertThat(store.setIfAbsent(key("a"), bytes("second"), Store.NO_EXPIRY))
                    .isFalse();
            assertThat(store.get(key("a"))).isEqualTo(bytes("first"));
        }

        @Test
        @DisplayName(
                "setIfAbsent is atomic: 16 threads on two clients race for each of 100 keys and exactly one wins each")
        void setIfAbsentIsAtomic() throws Exception {
            Store first = open().store();
            Store second = openSecond().store();
            int keys = 100;
            int threads = 16;
            AtomicIntegerArray wins = new AtomicIntegerArray(keys);
            CyclicBarrier eachKey = new CyclicBarrier(threads);
            runConcurrently(threads, t -> () -> {
                Store store = t % 2 == 0 ? first : second;
                for (int k = 0; k < keys; k++) {
                    eachKey.await();
                    if (store.setIfAbsent(key("race-" + k), bytes("thread-" + t), Store.NO_EXPIRY)) {
                        wins.incrementAndGet(k);
                    }
                }
                return null;
            });
            for (int k = 0; k < keys; k++) {
                assertThat(wins.get(k)).as("winners of key race-%d", k).isEqualTo(1);
            }
        }

        @Test
        @DisplayName("compareAndDelete deletes only when the value matches")
        void compareAndDelete() {
            Store store = open().store();
            store.set(key("a"), bytes("mine"), Store.NO_EXPIRY);
            assertThat(store.compareAndDelete(key("a"), bytes("theirs"))).isFalse();
            assertThat(store.compareAndDelete(key("a"), bytes("mine-and-more"))).isFalse();
            assertThat(store.get(key("a"))).isEqualTo(bytes("mine"));
            assertThat(store.compareAndDelete(key("a"), bytes("mine"))).isTrue();
            assertThat(store.get(key("a"))).isNull();
            assertThat(store.compareAndDelete(key("a"), bytes("mine"))).isFalse();
        }

        @Test
        @DisplayName("compareAndSet replaces only when the value matches, and never creates an absent key")
        void compareAndSet() {
            Store store = open().store();
            store.set(key("a"), bytes("v1"), Store.NO_EXPIRY);
            assertThat(store.compareAndSet(key("a"), bytes("other"), bytes("v2"), Store.NO_EXPIRY))
                    .isFalse();
            assertThat(store.get(key("a"))).isEqualTo(bytes("v1"));
            assertThat(store.compareAndSet(key("a"), bytes("v1"), bytes("v2"), Store.NO_EXPIRY))
                    .isTrue();
            assertThat(store.get(key("a"))).isEqualTo(bytes("v2"));
            assertThat(store.compareAndSet(key("absent"), bytes("v1"), bytes("v2"), Store.NO_EXPIRY))
                    .isFalse();
            assertThat(store.get(key("absent"))).isNull();
        }

        @Test
        @DisplayName("an empty expected value matches only an empty value, never any value")
        void emptyExpectedIsNotAWildcard() {
            Store store = open().store();
            store.set(key("full"), bytes("value"), Store.NO_EXPIRY);
            assertThat(store.compareAndDelete(key("full"), new byte[0])).isFalse();
            assertThat(store.compareAndSet(key("full"), new byte[0], bytes("replaced"), Store.NO_EXPIRY))
                    .isFalse();
            assertThat(store.get(key("full"))).isEqualTo(bytes("value"));
            assertThat(store.compareAndSet(key("absent"), new byte[0], bytes("created"), Store.NO_EXPIRY))
                    .as("compareAndSet of an empty expected value on an absent key")
                    .isFalse();
            assertThat(store.compareAndDelete(key("absent"), new byte[0])).isFalse();
            assertThat(store.get(key("absent"))).isNull();
            store.set(key("empty-1"), new byte[0], Store.NO_EXPIRY);
            store.set(key("empty-2"), new byte[0], Store.NO_EXPIRY);
            assertThat(store.compareAndSet(key("empty-1"), new byte[0], bytes("now full"), Store.NO_EXPIRY))
                    .isTrue();
            assertThat(store.compareAndDelete(key("empty-2"), new byte[0])).isTrue();
            assertThat(store.getAll(List.of(key("empty-1"), key("empty-2")))).containsExactly(bytes("now full"), null);
        }

        @Test
        @DisplayName(
                "compare operations compare bytes, not text: invalid UTF-8 that decodes alike, and a trailing zero,"
                        + " do not match")
        void valuesAreComparedAsBytes() {
            Store store = open().store();
            byte[] stored = {(byte) 0xFF, 'A', (byte) 0x80};
            List<byte[]> lookAlikes = List.of(
                    new byte[] {(byte) 0xFE, 'A', (byte) 0x80}, // both decode to "\uFFFDA\uFFFD"
                    new byte[] {(byte) 0xC3, 'A', (byte) 0xBF},
                    new byte[] {(byte) 0xFF, 'A', (byte) 0x80, 0}, // a C string would stop at the zero
                    new String(stored, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
            store.set(key("bytes"), stored, Store.NO_EXPIRY);
            store.set(key("zero"), new byte[] {'A', 0, 'B'}, Store.NO_EXPIRY);
            for (byte[] lookAlike : lookAlikes) {
                assertThat(store.compareAndDelete(key("bytes"), lookAlike))
                        .as("compareAndDelete expecting %s", Arrays.toString(lookAlike))
                        .isFalse();
                assertThat(store.compareAndSet(key("bytes"), lookAlike, bytes("replaced"), Store.NO_EXPIRY))
                        .as("compareAndSet expecting %s", Arrays.toString(lookAlike))
                        .isFalse();
            }
            assertThat(store.compareAndDelete(key("zero"), new byte[] {'A'})).isFalse();
            assertThat(store.compareAndDelete(key("zero"), new byte[] {'A', 0, 'C'}))
                    .isFalse();
            assertThat(store.get(key("bytes"))).isEqualTo(stored);
            assertThat(store.compareAndSet(key("bytes"), stored.clone(), bytes("replaced"), Store.NO_EXPIRY))
                    .isTrue();
            assertThat(store.compareAndDelete(key("zero"), new byte[] {'A', 0, 'B'}))
                    .isTrue();
            assertThat(store.getAll(List.of(key("bytes"), key("zero")))).containsExactly(bytes("replaced"), null);
        }

        @Test
        @DisplayName("compareAndSet is atomic: 8 threads on two clients each add 50 to a counter by CAS, ending at 400")
        void compareAndSetIsAtomic() throws Exception {
            Store first = open().store();
            Store second = openSecond().store();
            first.set(key("n"), bytes("0"), Store.NO_EXPIRY);
            runConcurrently(8, t -> () -> {
                Store store = t % 2 == 0 ? first : second;
                for (int i = 0; i < 50; i++) {
                    while (true) {
                        byte[] current = store.get(key("n"));
                        int next = Integer.parseInt(new String(current, StandardCharsets.UTF_8)) + 1;
                        if (store.compareAndSet(key("n"), current, bytes(Integer.toString(next)), Store.NO_EXPIRY)) {
                            break;
                        }
                    }
                }
                return null;
            });
            assertThat(first.get(key("n"))).isEqualTo(bytes("400"));
        }

        @Test
        @DisplayName("increment counts from 1 and is atomic: 16 threads on two clients get 1600 distinct values")
        void incrementIsAtomic() throws Exception {
            Store first = open().store();
            Store second = openSecond().store();
            assertThat(first.increment(key("counter-a"))).isEqualTo(1);
            assertThat(second.increment(key("counter-a"))).isEqualTo(2);
            List<List<Long>> seen = runConcurrently(16, t -> () -> {
                Store store = t % 2 == 0 ? first : second;
                List<Long> mine = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    mine.add(store.increment(key("counter-b")));
                }
                return mine;
            });
            Set<Long> distinct = new HashSet<>();
            seen.forEach(distinct::addAll);
            assertThat(distinct).hasSize(1600);
            assertThat(first.increment(key("counter-b"))).isEqualTo(1601);
        }
    }

    @Nested
    class BulkPathsAndCopies {

        @Test
        @DisplayName("a multi-get of 6,000 positions over 5,000 keys, shuffled, with absent and repeated keys, answers"
                + " every position in order")
        void thousandsOfKeysInOneMultiGet() {
            Store store = open().store();
            int written = 4_000;
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (int i = 0; i < written; i++) {
                entries.put(key("k" + i), bytes("value-" + i));
            }
            store.setAll(entries, LONG_TTL_MILLIS);
            Random random = new Random(42);
            List<String> keys = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            for (int i = 0; i < 6_000; i++) {
                int index = random.nextInt(5_000);
                indexes.add(index);
                keys.add(key("k" + index));
            }
            List<byte[]> values = store.getAll(keys);
            assertThat(values).hasSize(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                int index = indexes.get(i);
                assertThat(values.get(i))
                        .as("position %d (key k%d)", i, index)
                        .isEqualTo(index < written ? bytes("value-" + index) : null);
            }
        }

        @Test
        @DisplayName("setAll and getAll at uneven sizes around common batch sizes (1, 99, 100, 101, 127, 128, 129,"
                + " 255, 256, 257, 1000, 1001, 1023, 1024, 1025, 4097 entries, distinct values) keep every entry,"
                + " the last included")
        void bulkPathsAtUnevenSizes() {
            Store store = open().store();
            for (int size :
                    new int[] {1, 99, 100, 101, 127, 128, 129, 255, 256, 257, 1000, 1001, 1023, 1024, 1025, 4097}) {
                Map<String, byte[]> entries = new LinkedHashMap<>();
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    keys.add(key("k" + i));
                    entries.put(key("k" + i), bytes(size + ":" + i));
                }
                store.setAll(entries, LONG_TTL_MILLIS);
                keys.add(key("never-" + size));
                List<byte[]> values = store.getAll(keys);
                assertThat(values)
                        .as("answers to a multi-get of %d keys", keys.size())
                        .hasSize(keys.size());
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    if (!Arrays.equals(values.get(i), bytes(size + ":" + i))) {
                        wrong.add("k" + i);
                    }
                }
                assertThat(wrong)
                        .as("keys of a setAll of %d entries whose multi-get answer is not their value", size)
                        .isEmpty();
                assertThat(values.get(size))
                        .as("the absent key after %d present ones", size)
                        .isNull();
                List<byte[]> withoutTheAbsent = store.getAll(keys.subList(0, size));
                assertThat(withoutTheAbsent.get(size - 1))
                        .as("the last of a multi-get of %d keys", size)
                        .isEqualTo(bytes(size + ":" + (size - 1)));
            }
        }

        @Test
        @DisplayName("every array get and getAll return is the caller's own: a repeated key gets two arrays, and"
                + " changing them changes nothing the store holds")
        void everyResultIsTheCallersOwnArray() {
            Store store = open().store();
            store.set(key("a"), bytes("alpha"), Store.NO_EXPIRY);
            store.set(key("b"), bytes("beta"), Store.NO_EXPIRY);
            List<String> keys = List.of(key("a"), key("b"), key("a"), key("absent"), key("a"));
            List<byte[]> first = store.getAll(keys);
            assertThat(first.get(0))
                    .as("a repeated key's two results are two arrays")
                    .isNotSameAs(first.get(2));
            assertThat(first.get(0)).isNotSameAs(first.get(4));
            List<byte[]> second = store.getAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                if (first.get(i) != null) {
                    assertThat(second.get(i))
                            .as("position %d of two multi-gets", i)
                            .isNotSameAs(first.get(i));
                    Arrays.fill(first.get(i), (byte) 'X');
                }
            }
            byte[] single = store.get(key("b"));
            Arrays.fill(single, (byte) 'Y');
            assertThat(store.getAll(keys))
                    .containsExactly(bytes("alpha"), bytes("beta"), bytes("alpha"), null, bytes("alpha"));
            assertThat(second.get(0))
                    .as("an earlier result, after a later one was changed")
                    .isEqualTo(bytes("alpha"));
            assertThat(store.get(key("b"))).isEqualTo(bytes("beta"));
        }

        @Test
        @DisplayName("every write copies the caller's array: changing it after set, setAll, setIfAbsent or"
                + " compareAndSet changes nothing the store holds")
        void everyWriteCopiesTheCallersArray() {
            Store store = open().store();
            byte[] set = bytes("set");
            byte[] bulk1 = bytes("bulk-1");
            byte[] bulk2 = bytes("bulk-2");
            byte[] absent = bytes("if-absent");
            byte[] swapped = bytes("swapped");
            store.set(key("set"), set, Store.NO_EXPIRY);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put(key("bulk-1"), bulk1);
            entries.put(key("bulk-2"), bulk2);
            store.setAll(entries, Store.NO_EXPIRY);
            assertThat(store.setIfAbsent(key("if-absent"), absent, Store.NO_EXPIRY))
                    .isTrue();
            store.set(key("cas"), bytes("before"), Store.NO_EXPIRY);
            assertThat(store.compareAndSet(key("cas"), bytes("before"), swapped, Store.NO_EXPIRY))
                    .isTrue();
            for (byte[] given : List.of(set, bulk1, bulk2, absent, swapped)) {
                Arrays.fill(given, (byte) 'X');
            }
            assertThat(store.getAll(List.of(key("set"), key("bulk-1"), key("bulk-2"), key("if-absent"), key("cas"))))
                    .containsExactly(
                            bytes("set"), bytes("bulk-1"), bytes("bulk-2"), bytes("if-absent"), bytes("swapped"));
        }
    }

    @Nested
    class ExpiryRules {

        @Test
        @DisplayName("TTLs of 31 days, 400 days and 5 years are kept as given by every write, as the fixture reads"
                + " them back")
        void longTtlsAreKeptAsGiven() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            for (Duration ttl : List.of(Duration.ofDays(31), Duration.ofDays(400), Duration.ofDays(5 * 365))) {
                long millis = ttl.toMillis();
                String name = ttl.toDays() + "d-";
                store.set(key(name + "set"), bytes("A"), millis);
                store.setAll(Map.of(key(name + "setAll"), bytes("B")), millis);
                assertThat(store.setIfAbsent(key(name + "setIfAbsent"), bytes("C"), millis))
                        .isTrue();
                store.set(key(name + "compareAndSet"), bytes("D"), Store.NO_EXPIRY);
                assertThat(store.compareAndSet(key(name + "compareAndSet"), bytes("D"), bytes("E"), millis))
                        .isTrue();
                for (String write : List.of("set", "setAll", "setIfAbsent", "compareAndSet")) {
                    Optional<Duration> left = rawTtl(key(name + write));
                    assertThat(left)
                            .as("TTL left after %s with a TTL of %s", write, ttl)
                            .isPresent();
                    assertThat(left.orElseThrow())
                            .as("TTL left after %s with a TTL of %s", write, ttl)
                            .isBetween(
                                    ttl.minusMinutes(5),
                                    ttl.plus(caps.ttlGranularity().multipliedBy(2))
                                            .plusSeconds(1));
                }
            }
        }

        @Test
        @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        @DisplayName("NO_EXPIRY written over an entry with a TTL removes the TTL, on set, setAll and compareAndSet;"
                + " setIfAbsent with NO_EXPIRY never expires")
        void noExpiryRemovesATtlOnEveryWrite() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            Duration ttl = step(caps).multipliedBy(2);
            for (String name : List.of("set", "setAll", "compareAndSet")) {
                store.set(key(name), bytes("with ttl"), ttl.toMillis());
            }
            store.set(key("set"), bytes("set"), Store.NO_EXPIRY);
            store.setAll(Map.of(key("setAll"), bytes("setAll")), Store.NO_EXPIRY);
            assertThat(store.compareAndSet(
                            key("compareAndSet"), bytes("with ttl"), bytes("compareAndSet"), Store.NO_EXPIRY))
                    .isTrue();
            assertThat(store.setIfAbsent(key("setIfAbsent"), bytes("setIfAbsent"), Store.NO_EXPIRY))
                    .isTrue();
            waitPastTtl(ttl, caps);
            assertThat(store.getAll(List.of(key("set"), key("setAll"), key("compareAndSet"), key("setIfAbsent"))))
                    .containsExactly(bytes("set"), bytes("setAll"), bytes("compareAndSet"), bytes("setIfAbsent"));
        }

        @Test
        @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        @DisplayName("an expired entry is absent for conditional writes too: setIfAbsent writes, compareAndSet and"
                + " compareAndDelete do not match, delete finds nothing")
        void conditionalWritesTreatExpiredEntriesAsAbsent() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            Duration ttl = step(caps);
            for (String name : List.of("setIfAbsent", "compareAndSet", "compareAndDelete", "delete")) {
                store.set(key(name), bytes("old"), ttl.toMillis());
            }
            waitPastTtl(ttl, caps);
            assertThat(store.compareAndSet(key("compareAndSet"), bytes("old"), bytes("new"), Store.NO_EXPIRY))
                    .as("compareAndSet over an expired entry")
                    .isFalse();
            assertThat(store.compareAndDelete(key("compareAndDelete"), bytes("old")))
                    .as("compareAndDelete of an expired entry")
                    .isFalse();
            assertThat(store.delete(key("delete")))
                    .as("delete of an expired entry")
                    .isFalse();
            assertThat(store.setIfAbsent(key("setIfAbsent"), bytes("new"), Store.NO_EXPIRY))
                    .as("setIfAbsent over an expired entry")
                    .isTrue();
            assertThat(store.getAll(
                            List.of(key("setIfAbsent"), key("compareAndSet"), key("compareAndDelete"), key("delete"))))
                    .containsExactly(bytes("new"), null, null, null);
        }

        @Test
        @Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        @DisplayName("an entry written with a TTL of one granularity step, by any write, is gone two steps and 100 ms"
                + " after its TTL (a store declaring 1 ms keeps nothing for a fraction of a second)")
        void entryOfOneStepIsGoneAtTheDeclaredGranularity() {
            Store store = open().store();
            StoreCapabilities caps = store.capabilities();
            long step = caps.ttlGranularity().toMillis();
            store.set(key("compareAndSet"), bytes("before"), Store.NO_EXPIRY);
            long wrote = System.nanoTime();
            store.set(key("set"), bytes("S"), step);
            store.setAll(Map.of(key("setAll"), bytes("A")), step);
            store.setIfAbsent(key("setIfAbsent"), bytes("I"), step);
            store.compareAndSet(key("compareAndSet"), bytes("before"), bytes("C"), step);
            Duration bound = caps.ttlGranularity().multipliedBy(3).plus(GRANULARITY_SLACK);
            sleep(bound.minusNanos(System.nanoTime() - wrote));
            assertThat(store.getAll(List.of(key("set"), key("setAll"), key("setIfAbsent"), key("compareAndSet"))))
                    .as("entries %s after they were written with a TTL of %d ms", bound, step)
                    .containsExactly(null, null, null, null);
        }

        @Test
        @DisplayName("a counter never expires: increment creates it and counts on without a TTL, as the fixture"
                + " reads it back")
        void counterNeverExpires() {
            Store store = open().store();
            assertThat(store.increment(key("counter"))).isEqualTo(1);
            assertThat(rawTtl(key("counter")))
                    .as("TTL of a counter increment created")
                    .isEmpty();
            assertThat(store.increment(key("counter"))).isEqualTo(2);
            assertThat(rawTtl(key("counter")))
                    .as("TTL of a counter after a second increment")
                    .isEmpty();
        }
    }

    @Nested
    class Limits {

        @Test
        @DisplayName(
                "a key of the largest declared length works, and two such keys differing in the last byte stay apart"
                        + " (10,000 bytes when the store declares no limit)")
        void longestKey() {
            Store store = open().store();
            int max = store.capabilities().maxKeyBytes();
            int length = max == StoreCapabilities.UNLIMITED ? 10_000 : max;
            String base = key("long-");
            String stem = base + "k".repeat(length - bytes(base).length - 1);
            String a = stem + "a";
            String b = stem + "b";
            assertThat(bytes(a)).hasSize(length);
            store.set(a, bytes("A"), Store.NO_EXPIRY);
            store.set(b, bytes("B"), Store.NO_EXPIRY);
            assertThat(store.getAll(List.of(a, b))).containsExactly(bytes("A"), bytes("B"));
            assertThat(store.setIfAbsent(a, bytes("again"), Store.NO_EXPIRY)).isFalse();
            assertThat(store.compareAndDelete(a, bytes("A"))).isTrue();
            assertThat(store.getAll(List.of(a, b))).containsExactly(null, bytes("B"));
        }

        @Test
        @DisplayName("a value of the largest declared size works (4 MiB when the store declares no limit,"
                + " 32 MiB when it declares more)")
        void largestValue() {
            Store store = open().store();
            int max = store.capabilities().maxValueBytes();
            byte[] value =
                    new byte[max == StoreCapabilities.UNLIMITED ? 4 << 20 : Math.min(max, LARGEST_VALUE_WRITTEN)];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) (i * 31 + 7);
            }
            store.set(key("big"), value, Store.NO_EXPIRY);
            assertThat(store.get(key("big"))).isEqualTo(value);
            assertThat(store.getAll(List.of(key("big"), key("absent")))).containsExactly(value, null);
        }

        @Test
        @DisplayName("two keys of the longest declared length, differing in the last byte, stay apart on every"
                + " operation: set, setAll, setIfAbsent, compareAndSet, compareAndDelete, delete, increment, get"
                + " and getAll (10,000 bytes when the store declares no limit)")
        void longestKeyOnEveryOperation() {
            Store store = open().store();
            int max = store.capabilities().maxKeyBytes();
            int length = max == StoreCapabilities.UNLIMITED ? 10_000 : max;
            String base = key("longest-");
            String stem = base + "k".repeat(length - bytes(base).length - 2);
            Map<String, String> keys = new LinkedHashMap<>();
            for (String op : List.of("s", "m", "i", "c", "x", "d", "n")) {
                keys.put(op, stem + op + "a");
                assertThat(bytes(stem + op + "a")).hasSize(length);
            }
            String twin = stem + "zb";
            store.set(twin, bytes("twin"), Store.NO_EXPIRY);
            store.set(keys.get("s"), bytes("set"), Store.NO_EXPIRY);
            store.setAll(Map.of(keys.get("m"), bytes("setAll"), stem + "mb", bytes("setAll twin")), Store.NO_EXPIRY);
            assertThat(store.setIfAbsent(keys.get("i"), bytes("setIfAbsent"), Store.NO_EXPIRY))
                    .isTrue();
            store.set(keys.get("c"), bytes("before"), Store.NO_EXPIRY);
            assertThat(store.compareAndSet(keys.get("c"), bytes("before"), bytes("compareAndSet"), Store.NO_EXPIRY))
                    .isTrue();
            store.set(keys.get("x"), bytes("to delete"), Store.NO_EXPIRY);
            assertThat(store.compareAndDelete(keys.get("x"), bytes("to delete")))
                    .isTrue();
            store.set(keys.get("d"), bytes("to delete"), Store.NO_EXPIRY);
            assertThat(store.delete(keys.get("d"))).isTrue();
            assertThat(store.increment(keys.get("n"))).isEqualTo(1);
            assertThat(store.increment(keys.get("n"))).isEqualTo(2);
            assertThat(store.increment(stem + "nb"))
                    .as("increment of the counter's twin")
                    .isEqualTo(1);
            List<String> read = new ArrayList<>(keys.values());
            read.remove(keys.get("n"));
            read.add(stem + "mb");
            read.add(twin);
            assertThat(store.getAll(read))
                    .containsExactly(
                            bytes("set"),
                            bytes("setAll"),
                            bytes("setIfAbsent"),
                            bytes("compareAndSet"),
                            null,
                            null,
                            bytes("setAll twin"),
                            bytes("twin"));
            assertThat(store.get(keys.get("m"))).isEqualTo(bytes("setAll"));
            assertThat(store.get(stem + "sb"))
                    .as("the unwritten twin of a written key")
                    .isNull();
        }

        @Test
        @DisplayName("a value of the largest declared size is kept whole by every write (set, setAll, setIfAbsent,"
                + " compareAndSet) and matched whole by compareAndSet and compareAndDelete (4 MiB when the store"
                + " declares no limit, 32 MiB when it declares more)")
        void largestValueOnEveryWrite() {
            Store store = open().store();
            int max = store.capabilities().maxValueBytes();
            int size = max == StoreCapabilities.UNLIMITED ? 4 << 20 : Math.min(max, LARGEST_VALUE_WRITTEN);
            byte[] big = new byte[size];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31 + 7);
            }
            byte[] other = big.clone();
            other[other.length - 1] ^= 1;
            store.set(key("set"), big, Store.NO_EXPIRY);
            store.setAll(Map.of(key("setAll"), big), Store.NO_EXPIRY);
            assertThat(store.setIfAbsent(key("setIfAbsent"), big, Store.NO_EXPIRY))
                    .isTrue();
            store.set(key("compareAndSet"), bytes("small"), Store.NO_EXPIRY);
            assertThat(store.compareAndSet(key("compareAndSet"), bytes("small"), big, Store.NO_EXPIRY))
                    .isTrue();
            for (String name : List.of("set", "setAll", "setIfAbsent", "compareAndSet")) {
                assertThat(store.get(key(name)))
                        .as("value written by %s, read by get", name)
                        .isEqualTo(big);
            }
            assertThat(store.compareAndSet(key("set"), other, bytes("no"), Store.NO_EXPIRY))
                    .as("compareAndSet expecting the largest value but its last byte")
                    .isFalse();
            assertThat(store.compareAndSet(key("set"), big, other, Store.NO_EXPIRY))
                    .as("compareAndSet expecting the largest value")
                    .isTrue();
            assertThat(store.compareAndDelete(key("set"), big))
                    .as("compareAndDelete expecting the value replaced")
                    .isFalse();
            assertThat(store.compareAndDelete(key("set"), other))
                    .as("compareAndDelete expecting the largest value")
                    .isTrue();
            assertThat(store.getAll(List.of(key("setAll"), key("set")))).containsExactly(big, null);
        }
    }

    @Nested
    class TwoClients {

        @Test
        @DisplayName("what one client writes or deletes, the other sees at once")
        void clientsShareData() {
            Store first = open().store();
            Store second = openSecond().store();
            first.set(key("a"), bytes("from first"), Store.NO_EXPIRY);
            assertThat(second.get(key("a"))).isEqualTo(bytes("from first"));
            assertThat(second.delete(key("a"))).isTrue();
            assertThat(first.get(key("a"))).isNull();
        }

        @Test
        @DisplayName("the fixture's raw hooks see and delete what the store wrote")
        void rawHooks() {
            Store store = open().store();
            store.set(key("raw"), bytes("R"), Store.NO_EXPIRY);
            assertThat(backendFixture().rawGet(key("raw"))).isEqualTo(bytes("R"));
            backendFixture().rawDelete(key("raw"));
            assertThat(store.get(key("raw"))).isNull();
            assertThat(backendFixture().rawGet(key("raw"))).isNull();
        }
    }

    /** The fixture's reading of a key's TTL; skips the test, saying so, when the fixture cannot read TTLs. */
    private Optional<Duration> rawTtl(String key) {
        try {
            return backendFixture().rawTtl(key);
        } catch (UnsupportedOperationException e) {
            assumeCapability(false, "the fixture does not read TTLs back (BackendFixture.rawTtl): " + e.getMessage());
            throw e;
        }
    }

    /** A key with its control and non-ASCII characters written as escapes, for messages. */
    private static String visible(String key) {
        StringBuilder out = new StringBuilder();
        key.chars()
                .forEach(
                        c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
