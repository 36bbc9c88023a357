package dev.cachekit.example;

import dev.cachekit.CacheException;
import dev.cachekit.spi.UriOptions;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Runs the stampede scenario from the command line. {@code --help} lists the options.
 *
 * <p>The default backend is an embedded Hazelcast member: no server to install. Two copies started
 * at once join one cluster, and only one of them loads user 1 from the database.
 */
public final class StampedeExample {

    /** The backend used when {@code --uri} is not given. */
    public static final String DEFAULT_URI = "hazelcast://embedded";

    private static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: stampede-example [--uri URI] [--workers N] [--load-time DURATION] [--verbose]",
            "",
            "Runs the cache-stampede scenario: N workers ask at once for user 1, tagged",
            "'users' and 'user:1'. One takes the key's lock and loads it from a slow database;",
            "the others wait for its value. Then the tag user:1 is flushed and they ask again.",
            "",
            "Options:",
            "  --uri URI             the cache backend (default " + DEFAULT_URI + ", a member in",
            "                        this JVM; two copies started at once form one cluster).",
            "                        Others: memory:, redis://127.0.0.1:6379,",
            "                        memcached://127.0.0.1:11211, hazelcast://host:5701",
            "  --workers N           how many workers ask at once (default 10, 1 to 1000)",
            "  --load-time DURATION  how long the database takes per load (default 1s;",
            "                        e.g. 250ms, 2s)",
            "  --verbose             print every step of every worker (default: the steps that",
            "                        tell the story)",
            "  --help                print this help and exit");

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
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
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
            Scenario.Result result = new Scenario(uri, workers, loadTime, out, verbose).run();
            Scenario.Round first = result.rounds().get(0);
            Scenario.Round second = result.rounds().get(1);
            out.println();
            out.printf(
                    "In all: %s (round 1: %d, after the flush: %d). Backend %s.%n",
                    Scenario.Round.loads(
                            first.outcomes().size() + second.outcomes().size(),
                            first.databaseLoads() + second.databaseLoads()),
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
