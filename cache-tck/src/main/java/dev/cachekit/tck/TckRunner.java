package dev.cachekit.tck;

import dev.cachekit.CacheException;
import java.io.PrintStream;

/**
 * Runs the whole kit against a live URI whose provider is on the class path, prints one summary
 * per contract (with every skip reason and failure message), and exits 1 if any test failed.
 *
 * <pre>
 * java -jar cache-tck-VERSION-runner.jar --uri memory:
 * java -cp cache-tck-VERSION-runner.jar:BACKEND_JARS dev.cachekit.tck.TckRunner --uri redis://127.0.0.1:6390
 * </pre>
 *
 * <p>Options: {@code --uri URI} (required; only the provider's own options may be in its query),
 * {@code --parallel N} (run up to N tests at once; default 1). Exit codes: 0 all passed, 1 a test
 * failed or none ran, 2 bad arguments or the URI could not be opened.
 */
public final class TckRunner {

    private static final String USAGE =
            "usage: TckRunner --uri URI [--parallel N]\n" + "  e.g. --uri memory:   or   --uri redis://127.0.0.1:6390";

    private TckRunner() {}

    /**
     * Runs the kit and exits with its result.
     *
     * @param args {@code --uri URI [--parallel N]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the kit.
     *
     * @param args {@code --uri URI [--parallel N]}
     * @param out where the summary goes
     * @param err where usage and configuration errors go
     * @return the exit code: 0 passed, 1 failed, 2 bad arguments or URI
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String uri = null;
        int parallel = 1;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            if (arg.equals("--uri") && hasValue) {
                uri = args[++i];
            } else if (arg.equals("--parallel") && hasValue) {
                try {
                    parallel = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    parallel = 0;
                }
                if (parallel < 1) {
                    err.println("--parallel needs a whole number of at least 1, was '" + args[i] + "'\n" + USAGE);
                    return 2;
                }
            } else if (arg.equals("--help") || arg.equals("-h")) {
                out.println(USAGE);
                return 0;
            } else {
                err.println("unknown or incomplete argument '" + arg + "'\n" + USAGE);
                return 2;
            }
        }
        if (uri == null) {
            err.println("--uri is required\n" + USAGE);
            return 2;
        }
        UriFixture fixture;
        try {
            fixture = new UriFixture(uri);
        } catch (CacheException | IllegalArgumentException e) {
            err.println("cannot open " + uri + ": " + e.getMessage());
            return 2;
        }
        try (fixture) {
            out.println("cachekit TCK against " + fixture.uri() + " (" + fixture.name() + ")");
            TckReport report = Tck.run(fixture, parallel);
            report.print(out);
            return report.conforms() ? 0 : 1;
        }
    }
}
