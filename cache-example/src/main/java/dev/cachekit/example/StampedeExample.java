package dev.cachekit.example;

import dev.cachekit.CacheException;
import dev.cachekit.spi.UriOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs the stampede scenario from the command line. {@code --help} lists the options.
 *
 * <p>The default backend is an embedded Hazelcast member: no server to install. Two copies started
 * at once join one cluster and share every round: one load per round across both (see {@link
 * Scenario} for how they agree on the flush).
 */
public final class StampedeExample {

    /** The backend used when {@code --uri} is not given. */
    public static final String DEFAULT_URI = "hazelcast://embedded";

    /** How long the process that owns the flush lets other processes finish round 1. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    /** spymemcached's choice of logger: JVM-wide, so the application makes it, not the provider. */
    private static final String SPYMEMCACHED_LOGGER = "net.spy.log.LoggerImpl";

    private StampedeExample() {}

    /**
     * Runs the scenario and exits with 0, or with 2 after a usage error, or 1 if it failed.
     *
     * @param args the command-line options
     */
    public static void main(String[] args) {
        // The one line an application adds so spymemcached logs through SLF4J like the rest (the
        // binding here is slf4j-simple, configured by simplelogger.properties).
        if (System.getProperty(SPYMEMCACHED_LOGGER) == null) {
            System.setProperty(SPYMEMCACHED_LOGGER, "net.spy.memcached.compat.log.SLF4JLogger");
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String uri = DEFAULT_URI;
        int workers = 10;
        Duration loadTime = Duration.ofSeconds(1);
        boolean verbose = false;
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(usage());
                return 0;
            }
        }
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--uri" -> uri = value(args, ++i, arg);
                    case "--workers" -> workers = workers(value(args, ++i, arg));
                    case "--load-time" -> loadTime = loadTime(value(args, ++i, arg));
                    case "--verbose", "-v" -> verbose = true;
                    default -> throw new UsageException("unknown option '" + arg + "'");
                }
            }
        } catch (UsageException e) {
            err.println("stampede-example: " + e.getMessage());
            err.println("Run with --help to see the options.");
            return 2;
        }
        out.printf(
                "cachekit stampede example: %d workers, database load %d ms, backend %s%n%n",
                workers, loadTime.toMillis(), uri);
        try {
            // memory: is one process's own store: no other process can share its rounds.
            Duration settle = uri.startsWith("memory:") ? Duration.ZERO : SETTLE;
            Scenario.Result result =
                    new Scenario(uri, workers, loadTime, Scenario.thisProcess(), settle, out, verbose).run();
            Scenario.Round first = result.rounds().get(0);
            Scenario.Round second = result.rounds().get(1);
            out.println();
            out.printf(
                    "In all: %s (round 1: %d, after the flush: %d). Backend %s.%n",
                    Scenario.Round.loads(
                            first.outcomes().size() + second.outcomes().size(),
                            first.databaseLoads() + second.databaseLoads(),
                            null),
                    first.databaseLoads(),
                    second.databaseLoads(),
                    result.backend());
            return 0;
        } catch (CacheException e) {
            err.println("stampede-example: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("stampede-example: interrupted");
            return 1;
        }
    }

    /**
     * The usage text, from the resource that {@code scripts/example --help} prints without building
     * anything.
     */
    static String usage() {
        try (InputStream in = StampedeExample.class.getResourceAsStream("usage.txt")) {
            if (in == null) {
                throw new IllegalStateException("usage.txt is missing from the example's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static int workers(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n < 1 || n > 1000) {
                throw new UsageException("--workers must be between 1 and 1000, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--workers takes a whole number, was '" + text + "'");
        }
    }

    private static Duration loadTime(String text) {
        try {
            Duration d = UriOptions.parseDuration(text);
            if (d.isNegative()) {
                throw new UsageException("--load-time must not be negative, was " + text);
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--load-time takes a duration such as 250ms or 2s, was '" + text + "'");
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
