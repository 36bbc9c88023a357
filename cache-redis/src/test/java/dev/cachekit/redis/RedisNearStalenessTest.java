package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Measured staleness of the near cache between two JVMs: this one writes, removes or flushes, a
 * {@link NearStalenessReader} in a second JVM reads in a loop; the time from this JVM's call
 * returning to the reader's first fresh read, over {@value #TRIALS} trials, and the count of
 * resurrections (the reader served the old value after it had served the new one), which must be
 * zero. The figures are printed, not asserted: times depend on the machine.
 */
@DisplayName("Near cache staleness between two JVMs on Redis")
class RedisNearStalenessTest {

    private static final int TRIALS = Integer.getInteger("near.trials", 1200);

    @Test
    @DisplayName("every write, remove and flush reaches the other JVM's near cache, and nothing comes back")
    void measured() throws Exception {
        try (ServerProcess server = RedisServers.startStandalone();
                Jedis admin = new Jedis("127.0.0.1", server.port());
                Cache cache = Caches.open("redis://127.0.0.1:" + server.port() + "?prefix=stale:&near=on")) {
            Process reader = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            NearStalenessReader.class.getName(),
                            Integer.toString(server.port()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (BufferedReader from =
                            new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
                    PrintStream to = new PrintStream(reader.getOutputStream(), true, StandardCharsets.UTF_8)) {
                assertThat(from.readLine()).isEqualTo("READY");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (subscribers(admin) < 2) {
                    assertThat(System.nanoTime())
                            .as("both near channels subscribed")
                            .isLessThan(deadline);
                    Thread.sleep(1);
                }
                List<List<Long>> micros = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
                int resurrections = 0;
                int neverFresh = 0;
                for (int i = 0; i < TRIALS; i++) {
                    int kind = i % 3;
                    cache.tags("t").put("k", "s" + i);
                    to.println("SETUP " + i);
                    assertThat(from.readLine()).isEqualTo("HAVE " + i);
                    String fresh = kind == 0 ? "n" + i : "-";
                    to.println("GO " + i + " " + fresh);
                    assertThat(from.readLine()).isEqualTo("LOOP " + i);
                    switch (kind) {
                        case 0 -> cache.tags("t").put("k", "n" + i);
                        case 1 -> cache.remove("k");
                        default -> cache.tags("t").flush();
                    }
                    long returned = System.nanoTime();
                    String[] result = from.readLine().split(" ");
                    assertThat(result[0] + " " + result[1]).isEqualTo("RESULT " + i);
                    long firstFresh = Long.parseLong(result[2]);
                    resurrections += Integer.parseInt(result[3]);
                    if (firstFresh < 0) {
                        neverFresh++;
                    } else {
                        micros.get(kind).add(Math.max(0, firstFresh - returned) / 1000);
                    }
                }
                to.println("QUIT");
                String[] names = {"write", "remove", "flush"};
                List<Long> all = new ArrayList<>();
                for (int kind = 0; kind < 3; kind++) {
                    System.out.println("near staleness, " + names[kind] + ": " + summary(micros.get(kind)));
                    all.addAll(micros.get(kind));
                }
                System.out.println("near staleness, all " + all.size() + " trials: " + summary(all) + "; resurrections "
                        + resurrections + ", never fresh within 10 s " + neverFresh);
                assertThat(resurrections)
                        .as("reads of the old value after the new one")
                        .isZero();
                assertThat(neverFresh)
                        .as("trials whose change never reached the reader")
                        .isZero();
            } finally {
                reader.destroy();
                reader.waitFor(10, TimeUnit.SECONDS);
                reader.destroyForcibly();
            }
        }
    }

    private static long subscribers(Jedis admin) {
        List<?> reply =
                (List<?>) admin.sendCommand(Protocol.Command.PUBSUB, "NUMSUB", RedisLockSignal.nearChannelOf("stale:"));
        return (Long) reply.get(1);
    }

    private static String summary(List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return "no trials";
        }
        return "n=" + sorted.size() + " p50 " + sorted.get(sorted.size() / 2) + " us, p99 "
                + sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)) + " us, max "
                + sorted.get(sorted.size() - 1) + " us";
    }
}
