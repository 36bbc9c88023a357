package dev.cachekit.memcached;

import dev.cachekit.tck.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Asks a memcached server what it holds, over its text protocol's meta commands, so tests see the
 * expiry the server really applies rather than what the client meant to send.
 */
final class MetaCommands {

    private MetaCommands() {}

    /**
     * The seconds left before an item expires ({@code mg <key> t}).
     *
     * @param server the server holding the key
     * @param key the store key (mapped as the store maps it)
     * @return empty if the item is absent; {@code -1} if it never expires; else the seconds left
     */
    static OptionalLong secondsLeft(ServerProcess server, String key) {
        String line = command(server, "mg " + MemcachedKeys.toMemcached(key) + " t");
        if (line.startsWith("EN")) {
            return OptionalLong.empty();
        }
        for (String token : line.split(" ")) {
            if (token.startsWith("t")) {
                return OptionalLong.of(Long.parseLong(token.substring(1)));
            }
        }
        throw new IllegalStateException("unexpected answer to mg: " + line);
    }

    private static String command(ServerProcess server, String command) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("could not ask " + server + ": " + command, e);
        }
    }
}
