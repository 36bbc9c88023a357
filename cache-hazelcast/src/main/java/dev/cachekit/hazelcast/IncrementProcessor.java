package dev.cachekit.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Adds one to a counter stored as ASCII decimal bytes (created at 1, never expiring), on the member
 * that owns the key's partition. The CP subsystem's atomic long is an Enterprise feature since
 * Hazelcast 5.5, so counters (the locks' fencing tokens) live in the cache's own map.
 *
 * <p>Returns the new value, or {@code null} when the entry holds something that is not a number.
 * Sent to members with Java serialization: this class must be on their class path.
 */
final class IncrementProcessor implements EntryProcessor<String, byte[], Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long process(Map.Entry<String, byte[]> entry) {
        byte[] current = entry.getValue();
        long next;
        if (current == null) {
            next = 1;
        } else {
            try {
                next = Long.parseLong(new String(current, StandardCharsets.US_ASCII)) + 1;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        ((ExtendedMapEntry<String, byte[]>) entry)
                .setValue(Long.toString(next).getBytes(StandardCharsets.US_ASCII), 0, TimeUnit.MILLISECONDS);
        return next;
    }
}
