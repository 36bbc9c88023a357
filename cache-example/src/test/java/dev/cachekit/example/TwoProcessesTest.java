package dev.cachekit.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.tck.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example started twice at once, as two terminals would: two JVMs on one Redis, the second
 * started as the first begins round 1. Every round is one database load across both, and both name
 * the same process as its loader.
 */
@DisplayName("The example in two processes at once")
class TwoProcessesTest {

    private static final Pattern SUMMARY =
            Pattern.compile("^Summary: 10 callers, (\\d+) database loads?", Pattern.MULTILINE);
    private static final Pattern LOADER = Pattern.compile(
            "^Round (\\d): user:1 was loaded by (process \\d+) \\((this|another) process\\)$", Pattern.MULTILINE);

    @TempDir
    Path temp;

    @Test
    @DisplayName("each round: one load across both processes, and both name the process that loaded")
    void oneLoadPerRoundAcrossBoth() throws Exception {
        try (ServerProcess redis = ServerProcess.redis()) {
            String uri = "redis://127.0.0.1:" + redis.port();
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path output = temp.resolve("example-" + i + ".txt");
                outputs.add(output);
                processes.add(new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                StampedeExample.class.getName(),
                                "--uri",
                                uri,
                                "--workers",
                                "10",
                                "--load-time",
                                "300ms")
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start());
                if (i == 0) {
                    // As two terminals do: the second starts a little after the first, here as the
                    // first begins round 1. Before the flush was shared, that skew made each
                    // process flush after the other's round 2 had begun, and round 2 loaded twice.
                    awaitLine(output, "Round 1: ", processes.get(0));
                }
            }
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Process process = processes.get(i);
                boolean ended = process.waitFor(120, TimeUnit.SECONDS);
                if (!ended) {
                    process.destroyForcibly();
                }
                String text = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
                texts.add(text);
                assertThat(ended)
                        .as("process %d ended; its output:%n%s", i, text)
                        .isTrue();
                assertThat(process.exitValue())
                        .as("exit code of process %d; its output:%n%s", i, text)
                        .isZero();
            }
            String both = "first process:" + System.lineSeparator() + texts.get(0) + System.lineSeparator()
                    + "second process:" + System.lineSeparator() + texts.get(1);
            List<String> pids = List.of(
                    "process " + processes.get(0).pid(),
                    "process " + processes.get(1).pid());

            List<Integer> first = loads(texts.get(0));
            List<Integer> second = loads(texts.get(1));
            assertThat(first).as(both).hasSize(2);
            assertThat(second).as(both).hasSize(2);
            for (int round = 0; round < 2; round++) {
                assertThat(first.get(round) + second.get(round))
                        .as("database loads in round %d across both processes; %s", round + 1, both)
                        .isEqualTo(1);
                String loaderSeenByFirst = loader(texts.get(0), round + 1);
                String loaderSeenBySecond = loader(texts.get(1), round + 1);
                assertThat(loaderSeenByFirst)
                        .as(both)
                        .isEqualTo(loaderSeenBySecond)
                        .isIn(pids);
                int loaderIndex = pids.indexOf(loaderSeenByFirst);
                assertThat((loaderIndex == 0 ? first : second).get(round))
                        .as("the process named as loader of round %d loaded it; %s", round + 1, both)
                        .isEqualTo(1);
            }
            assertThat(both).contains("Flushing tag user:1").contains("flushed tag user:1");
            assertThat(both).doesNotContain("flushing tag user:1 here");
        }
    }

    private static void awaitLine(Path output, String start, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(output, StandardCharsets.UTF_8).contains(start)) {
            assertThat(System.nanoTime() - deadline < 0 && process.isAlive())
                    .as("the first process printed '%s'; its output:%n%s", start, Files.readString(output))
                    .isTrue();
            Thread.sleep(10);
        }
    }

    private static List<Integer> loads(String text) {
        List<Integer> loads = new ArrayList<>();
        Matcher matcher = SUMMARY.matcher(text);
        while (matcher.find()) {
            loads.add(Integer.parseInt(matcher.group(1)));
        }
        return loads;
    }

    private static String loader(String text, int round) {
        Matcher matcher = LOADER.matcher(text);
        while (matcher.find()) {
            if (Integer.parseInt(matcher.group(1)) == round) {
                return matcher.group(2);
            }
        }
        throw new AssertionError("no loader named for round " + round + " in:" + System.lineSeparator() + text);
    }

    @Test
    @DisplayName("scripts/example --help prints the usage without running Maven or Java")
    void scriptHelpBuildsNothing() throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path called = temp.resolve("called");
        for (String tool : new String[] {"mvn", "java"}) {
            Path fake = bin.resolve(tool);
            Files.writeString(fake, "#!/bin/sh\necho " + tool + " >> '" + called + "'\nexit 1\n");
            assertThat(fake.toFile().setExecutable(true)).isTrue();
        }
        for (String option : new String[] {"--help", "-h"}) {
            ProcessBuilder builder = new ProcessBuilder(
                            "bash", root.resolve("scripts/example").toString(), option)
                    .redirectErrorStream(true);
            builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).isEqualTo(StampedeExample.usage());
        }
        assertThat(called).as("mvn or java was called").doesNotExist();
    }
}
