package dev.cachekit.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Advances a lock's fencing counter to {@code max(counter + 1, now in microseconds)}, where {@code
 * now} is the clock of the member that owns the counter's partition, and stores it without expiry.
 * So a counter lost with its partition (every replica gone) or deleted restarts above every token
 * the old owner issued, as long as the new owner's clock is not behind the old one's by more than
 * the time between the last token before the loss and the first after it.
 *
 * <p>Returns the token, or {@code null} when the entry holds something that is not a non-negative number. Sent
 * to members with Java serialization: this class must be on their class path.
 */
final class FenceProcessor implements EntryProcessor<String, byte[], Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long process(Map.Entry<String, byte[]> entry) {
        byte[] current = entry.getValue();
        long counter = 0;
        if (current != null) {
            try {
                counter = Long.parseLong(new String(current, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return null;
            }
            if (counter < 0) {
                return null; // tokens are positive: no counter of ours goes below zero
            }
        }
        Instant now = Instant.now();
        long next = Math.max(counter + 1, now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
        ((ExtendedMapEntry<String, byte[]>) entry)
                .setValue(Long.toString(next).getBytes(StandardCharsets.US_ASCII), 0, TimeUnit.MILLISECONDS);
        return next;
    }
}
