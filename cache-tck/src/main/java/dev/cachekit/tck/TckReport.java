package dev.cachekit.tck;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * What a run of the kit found, per contract: how many tests passed, and each skip and failure with
 * its test's path ({@code Expiry > an entry with a TTL ...}) and reason. Returned by {@link
 * Tck#run(BackendFixture)}; complete once {@code run} returns.
 */
public final class TckReport {

    /** The contract groups of {@link Tck}, in the order a summary lists them. */
    private static final List<Class<?>> CONTRACTS = List.of(
            Tck.StoreTests.class,
            Tck.TaggerTests.class,
            Tck.LockerTests.class,
            Tck.CacheTests.class,
            Tck.KeyTests.class,
            Tck.OutageTests.class,
            Tck.LockFaultTests.class,
            Tck.DamagedKeyTests.class,
            Tck.RefreshAheadTests.class,
            Tck.AsyncTests.class,
            Tck.BulkTests.class,
            Tck.BulkLoadTests.class);

    private final String fixtureName;
    private final Map<String, Contract> contracts = new LinkedHashMap<>();

    TckReport(String fixtureName) {
        this.fixtureName = fixtureName;
        CONTRACTS.forEach(group -> contracts.put(group.getName(), new Contract(FixtureNames.describe(group))));
    }

    /**
     * The name of the fixture the kit ran against.
     *
     * @return the fixture's name
     */
    public String fixtureName() {
        return fixtureName;
    }

    /**
     * How many tests ran (passed, failed or skipped).
     *
     * @return the count
     */
    public int found() {
        return contracts.values().stream().mapToInt(Contract::found).sum();
    }

    /**
     * How many tests passed.
     *
     * @return the count
     */
    public int passed() {
        return contracts.values().stream().mapToInt(c -> c.passed).sum();
    }

    /**
     * Each failure, as {@code Contract: group > test: message}.
     *
     * @return the failures, empty when none failed
     */
    public List<String> failures() {
        List<String> all = new ArrayList<>();
        contracts.values().forEach(c -> c.failed.forEach(f -> all.add(c.name + ": " + f)));
        return all;
    }

    /**
     * Each skipped test, as {@code Contract: group > test: reason} (a capability the store lacks).
     *
     * @return the skips, empty when none were skipped
     */
    public List<String> skips() {
        List<String> all = new ArrayList<>();
        contracts.values().forEach(c -> c.skipped.forEach(s -> all.add(c.name + ": " + s)));
        return all;
    }

    /**
     * Whether the fixture passed: some tests ran and none failed.
     *
     * @return {@code true} if the backend conforms
     */
    public boolean conforms() {
        return found() > 0 && failures().isEmpty();
    }

    /**
     * Prints one line per contract with its counts, then each skip and failure.
     *
     * @param out where to print
     */
    public void print(PrintStream out) {
        int skipped = 0;
        for (Contract contract : contracts.values()) {
            out.printf(
                    "%-17s %3d tests: %d passed, %d failed, %d skipped%n",
                    contract.name + ":",
                    contract.found(),
                    contract.passed,
                    contract.failed.size(),
                    contract.skipped.size());
            contract.skipped.forEach(reason -> out.println("    skipped  " + reason));
            contract.failed.forEach(reason -> out.println("    FAILED   " + reason));
            skipped += contract.skipped.size();
        }
        out.printf(
                "TCK total: %d tests: %d passed, %d failed, %d skipped%n",
                found(), passed(), failures().size(), skipped);
    }

    @Override
    public String toString() {
        return "TCK against " + fixtureName + ": " + found() + " tests, " + passed() + " passed, "
                + failures().size() + " failed, " + skips().size() + " skipped";
    }

    TestExecutionListener listener() {
        return new Listener();
    }

    /** Collects outcomes per contract while the kit runs. */
    private final class Listener implements TestExecutionListener {
        private TestPlan plan;

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                contractOf(test).ifPresent(c -> c.skip(path(test) + ": " + reason));
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest()) {
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    // A failing container (a @BeforeEach of the fixture, say) fails the run too.
                    contractOf(test).ifPresent(c -> c.fail(path(test) + ": " + message(result)));
                }
                return;
            }
            contractOf(test).ifPresent(contract -> {
                switch (result.getStatus()) {
                    case SUCCESSFUL -> contract.pass();
                    case ABORTED -> contract.skip(path(test) + ": " + message(result));
                    case FAILED -> contract.fail(path(test) + ": " + message(result));
                }
            });
        }

        private Optional<Contract> contractOf(TestIdentifier test) {
            for (Optional<TestIdentifier> at = Optional.of(test); at.isPresent(); at = plan.getParent(at.get())) {
                Optional<Contract> found = classOf(at.get()).map(contracts::get);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }

        /** "Group > test sentence", without the fixture's name each group carries. */
        private String path(TestIdentifier test) {
            List<String> names = new ArrayList<>();
            for (Optional<TestIdentifier> at = Optional.of(test); at.isPresent(); at = plan.getParent(at.get())) {
                Optional<String> className = classOf(at.get());
                if (className.map(contracts::containsKey).orElse(false)) {
                    break;
                }
                names.add(
                        0,
                        className
                                .map(name -> FixtureNames.sentence(name.substring(name.lastIndexOf('$') + 1)))
                                .orElse(at.get().getDisplayName()));
            }
            return String.join(" > ", names);
        }

        private Optional<String> classOf(TestIdentifier test) {
            return test.getSource()
                    .filter(ClassSource.class::isInstance)
                    .map(source -> ((ClassSource) source).getClassName());
        }

        private String message(TestExecutionResult result) {
            return result.getThrowable()
                    .map(t -> {
                        String text = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
                        return text.strip().replaceAll("\\s*\\n\\s*", " ");
                    })
                    .orElse("(no message)");
        }
    }

    /** The outcomes of one contract's tests; updated from the threads the tests run on. */
    private static final class Contract {
        final String name;
        int passed;
        final List<String> skipped = new ArrayList<>();
        final List<String> failed = new ArrayList<>();

        Contract(String name) {
            this.name = name;
        }

        synchronized void pass() {
            passed++;
        }

        synchronized void skip(String reason) {
            skipped.add(reason);
        }

        synchronized void fail(String reason) {
            failed.add(reason);
        }

        synchronized int found() {
            return passed + skipped.size() + failed.size();
        }
    }
}
