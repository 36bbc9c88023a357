package dev.cachekit.redis;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.core.Caches;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The reading process of {@link RedisNearStalenessTest}, run in a JVM of its own: one near cache on
 * the server whose port is the first argument, driven by lines on standard input.
 *
 * <ul>
 *   <li>{@code SETUP i}: read {@code k} through the view of tag {@code t} until it holds {@code
 *       s<i>} (a few reads more, so the copy is local), then answer {@code HAVE i};
 *   <li>{@code GO i fresh}: answer {@code LOOP i}, then read in a tight loop until the read is
 *       fresh ({@code fresh} is the value, or {@code -} for a miss), noting {@link System#nanoTime}
 *       (CLOCK_MONOTONIC, shared by the processes of one host) of the first fresh read, then 200
 *       reads more, counting those that served {@code s<i>} again; answer {@code RESULT i nanos
 *       resurrections}.
 * </ul>
 */
public final class NearStalenessReader {

    private NearStalenessReader() {}

    /**
     * Runs the reader.
     *
     * @param args the Redis port
     * @throws Exception if reading standard input fails
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Cache cache = Caches.open("redis://127.0.0.1:" + args[0] + "?prefix=stale:&near=on");
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            out.println("READY");
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.split(" ");
                if (words[0].equals("SETUP")) {
                    String expected = "s" + words[1];
                    int seen = 0;
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (seen < 5 && System.nanoTime() < deadline) {
                        if (expected.equals(read(cache))) {
                            seen++;
                        }
                    }
                    out.println("HAVE " + words[1]);
                } else if (words[0].equals("GO")) {
                    String old = "s" + words[1];
                    String fresh = words[2].equals("-") ? null : words[2];
                    out.println("LOOP " + words[1]);
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    long firstFresh = -1;
                    while (System.nanoTime() < deadline) {
                        String value = read(cache);
                        if (java.util.Objects.equals(value, fresh)) {
                            firstFresh = System.nanoTime();
                            break;
                        }
                    }
                    int resurrections = 0;
                    for (int i = 0; i < 200 && firstFresh >= 0; i++) {
                        if (old.equals(read(cache))) {
                            resurrections++;
                        }
                    }
                    out.println("RESULT " + words[1] + " " + firstFresh + " " + resurrections);
                } else if (words[0].equals("QUIT")) {
                    return;
                }
            }
        }
    }

    private static String read(Cache cache) {
        Lookup<String> lookup = cache.tags("t").get("k", String.class);
        return lookup.isMiss() ? null : lookup.value();
    }
}
