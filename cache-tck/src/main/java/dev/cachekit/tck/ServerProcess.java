package dev.cachekit.tck;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server process (a {@code redis-server}, a {@code memcached}) that a test starts on a free
 * loopback port, and stops, kills or restarts for fault tests. Every process still running when the
 * JVM exits is killed.
 *
 * <pre>{@code
 * int port = ServerProcess.freePort();
 * ServerProcess redis = ServerProcess.start("redis",
 *         List.of(ServerProcess.requireBinary("redis-server", "redis-server").toString(),
 *                 "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", ""),
 *         port);
 * }</pre>
 */
public final class ServerProcess implements AutoCloseable {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final List<String> command;
    private final int port;
    private final Path log;
    private Process process;

    private ServerProcess(String name, List<String> command, int port, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.port = port;
        this.log = log;
    }

    /**
     * Starts a {@code redis-server} on a free loopback port that keeps nothing on disk.
     *
     * @param extraArguments further arguments ({@code --cluster-enabled yes}, {@code --requirepass})
     * @return the running server
     * @throws IllegalStateException if {@code redis-server} is missing (naming the package) or does
     *     not start
     */
    public static ServerProcess redis(String... extraArguments) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                requireBinary("redis-server", "redis-server").toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"));
        command.addAll(List.of(extraArguments));
        return start("redis", command, port);
    }

    /**
     * Starts a {@code memcached} on a free loopback port, with 64 MB of memory and 1 MB items.
     *
     * @param environment variables to set for the server ({@code SASL_CONF_PATH}), possibly none
     * @param extraArguments further arguments ({@code -S} for SASL, {@code -I 2m})
     * @return the running server
     * @throws IllegalStateException if {@code memcached} is missing (naming the package) or does not
     *     start
     */
    public static ServerProcess memcached(Map<String, String> environment, String... extraArguments) {
        int port = freePort();
        List<String> command = new ArrayList<>();
        if (!environment.isEmpty()) {
            command.add(requireBinary("env", "coreutils").toString());
            environment.forEach((name, value) -> command.add(name + "=" + value));
        }
        command.addAll(List.of(
                requireBinary("memcached", "memcached").toString(),
                "-p",
                String.valueOf(port),
                "-l",
                "127.0.0.1",
                "-U",
                "0",
                "-m",
                "64",
                "-I",
                "1m"));
        if ("root".equals(System.getProperty("user.name"))) {
            // memcached refuses to run as root unless told which user to be.
            command.addAll(List.of("-u", "root"));
        }
        command.addAll(List.of(extraArguments));
        return start("memcached", command, port);
    }

    /**
     * Finds the path of a server binary, or fails naming the Debian package to install.
     *
     * @param binary the executable's name, such as {@code redis-server}
     * @param debianPackage the package that provides it
     * @return the executable's path
     * @throws IllegalStateException if it is not on the {@code PATH} nor in {@code /usr/bin}, {@code
     *     /usr/sbin}, {@code /usr/local/bin}
     */
    public static Path requireBinary(String binary, String debianPackage) {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : (path + File.pathSeparator + "/usr/bin:/usr/sbin:/usr/local/bin").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("'" + binary + "' was not found on the PATH; these tests start a real "
                + binary + ". Install it: apt-get install -y " + debianPackage
                + " (the README's test command does this when it can)");
    }

    /**
     * Returns a TCP port on the loopback interface that was free a moment ago.
     *
     * @return the port
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * Starts a server and waits until it accepts connections on {@code port}.
     *
     * @param name a name for messages
     * @param command the command line
     * @param port the port the command makes the server listen on
     * @return the running server
     * @throws IllegalStateException if it exits or does not listen within 30 seconds; the message
     *     holds the end of its output
     */
    public static ServerProcess start(String name, List<String> command, int port) {
        try {
            Path log = Files.createTempFile("cachekit-" + name + "-" + port + "-", ".log");
            log.toFile().deleteOnExit();
            ServerProcess server = new ServerProcess(name, command, port, log);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /**
     * The port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * {@code 127.0.0.1:port}.
     *
     * @return the address
     */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /**
     * Whether the process is alive.
     *
     * @return {@code true} while running
     */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the process at once ({@code SIGKILL}), as a crash would, and waits for it to die. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process);
            RUNNING.remove(process);
            process = null;
        }
    }

    /**
     * Stalls the process ({@code SIGSTOP}) as an overloaded or paused server stalls: its connections
     * stay open and what clients send waits in the socket buffers, unanswered, until {@link
     * #resume()}, when the server reads and applies it.
     *
     * @throws IllegalStateException if the process is not running or the signal could not be sent
     */
    public synchronized void suspend() {
        signal("STOP");
    }

    /**
     * Lets a process stalled by {@link #suspend()} run again ({@code SIGCONT}).
     *
     * @throws IllegalStateException if the process is not running or the signal could not be sent
     */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " on " + address() + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " of " + name + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run kill -" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + name, e);
        }
    }

    /**
     * Starts the same command again on the same port (after {@link #kill()} or {@link #close()}).
     *
     * @throws IllegalStateException if it does not come up
     */
    public synchronized void restart() {
        kill();
        launch();
    }

    /** Stops the process ({@code SIGTERM}, then {@code SIGKILL} after 10 seconds). */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            waitFor(process);
            RUNNING.remove(process);
            process = null;
        }
    }

    @Override
    public String toString() {
        return name + "@" + address();
    }

    private synchronized void launch() {
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command + ": " + e.getMessage(), e);
        }
        RUNNING.add(process);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before listening on " + address() + "; its output:\n" + tail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(
                name + " did not listen on " + address() + " within " + START_TIMEOUT + "; its output:\n" + tail());
    }

    private String tail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    private static void waitFor(Process process) {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server to start", e);
        }
    }
}
