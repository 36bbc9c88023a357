package dev.cachekit.tck;

import java.util.List;

/**
 * Stops and starts the servers behind a fixture, for the {@link OutageContract}: every server its
 * backends talk to goes down as a crash would, and comes back on the same addresses. A fixture
 * offers it through {@link BackendFixture#server()}; without it the outage tests are skipped,
 * saying so.
 *
 * <p>The kit calls {@link #stop()} and {@link #start()} from one test at a time, never while
 * another test runs against the same fixture, and always starts the servers again before the test
 * ends, so the next test finds them up.
 */
public interface ServerControl {

    /**
     * How a {@link dev.cachekit.StoreException} may name the servers: {@code 127.0.0.1:6390} for
     * each server, or whatever the backend's messages say (a member's address, an instance name).
     * A store error during an outage must contain one of them.
     *
     * @return the names, at least one
     */
    List<String> addresses();

    /**
     * Stops every server the fixture's backends use, at once and without a goodbye ({@code
     * SIGKILL}, a terminated member), and returns once none of them accepts connections. Backends
     * opened before stay open: their calls are what the outage tests watch.
     */
    void stop();

    /**
     * Starts the stopped servers again on the same addresses, and returns once they accept
     * connections and the fixture's own hooks ({@link BackendFixture#reset()}, {@link
     * BackendFixture#rawGet}) work again. The servers may come back empty. Backends opened before
     * the outage reconnect on their own, in their own time: the kit waits for them.
     */
    void start();

    /**
     * Stalls every server without closing anything, as an overloaded or paused server stalls
     * ({@code SIGSTOP}, Redis' {@code CLIENT PAUSE}): connections stay open, what clients send is
     * kept but not answered, so their calls time out; on {@link #resume()} the servers apply what
     * they were sent, in order. Returns once stalled. The default throws {@link
     * UnsupportedOperationException}, and the stall tests are skipped, saying so.
     */
    default void suspend() {
        throw new UnsupportedOperationException("the fixture cannot stall its servers (ServerControl.suspend())");
    }

    /**
     * Lets servers stalled by {@link #suspend()} run again. Must be supported if {@link #suspend()}
     * is.
     */
    default void resume() {
        throw new UnsupportedOperationException("the fixture cannot stall its servers (ServerControl.resume())");
    }
}
