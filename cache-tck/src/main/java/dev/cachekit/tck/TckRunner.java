package dev.cachekit.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.cachekit.CacheException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

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
            Summary summary = execute(fixture, parallel);
            summary.print(out);
            return summary.failed() == 0 && summary.found() > 0 ? 0 : 1;
        }
    }

    private static Summary execute(BackendFixture fixture, int parallel) {
        ConfiguredKit.use(() -> fixture);
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(ConfiguredKit.CONTRACTS.stream()
                        .map(c -> (DiscoverySelector) selectClass(c))
                        .toList());
        if (parallel > 1) {
            request.configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                    .configurationParameter(
                            "junit.jupiter.execution.parallel.config.fixed.parallelism", Integer.toString(parallel));
        }
        LauncherDiscoveryRequest discovery = request.build();
        Summary summary = new Summary();
        LauncherFactory.create().execute(discovery, summary);
        return summary;
    }

    /** Collects outcomes per contract while the kit runs. */
    private static final class Summary implements TestExecutionListener {
        private final Map<String, Contract> contracts = new LinkedHashMap<>();
        private TestPlan plan;

        Summary() {
            ConfiguredKit.CONTRACTS.forEach(
                    kit -> contracts.put(kit.getName(), new Contract(ConfiguredKit.contractName(kit))));
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
        }

        @Override
        public synchronized void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                contractOf(test).ifPresent(c -> c.skipped.add(path(test) + ": " + reason));
            }
        }

        @Override
        public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest()) {
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    // A failing container (a @BeforeEach of the fixture, say) fails the run too.
                    contractOf(test).ifPresent(c -> c.failed.add(path(test) + ": " + message(result)));
                }
                return;
            }
            contractOf(test).ifPresent(contract -> {
                switch (result.getStatus()) {
                    case SUCCESSFUL -> contract.passed++;
                    case ABORTED -> contract.skipped.add(path(test) + ": " + message(result));
                    case FAILED -> contract.failed.add(path(test) + ": " + message(result));
                }
            });
        }

        private Optional<Contract> contractOf(TestIdentifier test) {
            for (Optional<TestIdentifier> at = Optional.of(test); at.isPresent(); at = plan.getParent(at.get())) {
                Optional<Contract> found = at.get()
                        .getSource()
                        .filter(ClassSource.class::isInstance)
                        .map(source -> contracts.get(((ClassSource) source).getClassName()));
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }

        /** "Nested group > test sentence". */
        private String path(TestIdentifier test) {
            List<String> names = new ArrayList<>();
            for (Optional<TestIdentifier> at = Optional.of(test); at.isPresent(); at = plan.getParent(at.get())) {
                boolean isKitClass = at.get()
                        .getSource()
                        .filter(ClassSource.class::isInstance)
                        .map(source -> contracts.containsKey(((ClassSource) source).getClassName()))
                        .orElse(false);
                if (isKitClass) {
                    break;
                }
                names.add(0, at.get().getDisplayName());
            }
            return String.join(" > ", names);
        }

        private static String message(TestExecutionResult result) {
            return result.getThrowable()
                    .map(t -> {
                        String text = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
                        return text.strip().replaceAll("\\s*\\n\\s*", " ");
                    })
                    .orElse("(no message)");
        }

        int found() {
            return contracts.values().stream().mapToInt(Contract::found).sum();
        }

        int failed() {
            return contracts.values().stream().mapToInt(c -> c.failed.size()).sum();
        }

        void print(PrintStream out) {
            int passed = 0;
            int skipped = 0;
            for (Contract contract : contracts.values()) {
                out.printf(
                        "%-15s %3d tests: %d passed, %d failed, %d skipped%n",
                        contract.name + ":",
                        contract.found(),
                        contract.passed,
                        contract.failed.size(),
                        contract.skipped.size());
                contract.skipped.forEach(reason -> out.println("    skipped  " + reason));
                contract.failed.forEach(reason -> out.println("    FAILED   " + reason));
                passed += contract.passed;
                skipped += contract.skipped.size();
            }
            out.printf("TCK total: %d tests: %d passed, %d failed, %d skipped%n", found(), passed, failed(), skipped);
        }
    }

    /** The outcomes of one contract's tests. */
    private static final class Contract {
        final String name;
        int passed;
        final List<String> skipped = new ArrayList<>();
        final List<String> failed = new ArrayList<>();

        Contract(String name) {
            this.name = name;
        }

        int found() {
            return passed + skipped.size() + failed.size();
        }
    }
}
