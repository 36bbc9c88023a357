package dev.cachekit.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Replaces an entry's value and TTL only if it holds the expected bytes. Runs on the member that
 * owns the key's partition, so the check and the write are one atomic step; {@code
 * IMap.replace(key, old, new)} cannot give the entry a new TTL in the same step.
 *
 * <p>Sent to members with Java serialization: this class must be on their class path.
 */
final class CompareAndSetProcessor implements EntryProcessor<String, byte[], Boolean> {
    private static final long serialVersionUID = 1L;

    private final byte[] expected;
    private final byte[] value;
    private final long ttlMillis;

    CompareAndSetProcessor(byte[] expected, byte[] value, long ttlMillis) {
        this.expected = expected.clone();
        this.value = value.clone();
        this.ttlMillis = ttlMillis;
    }

    @Override
    public Boolean process(Map.Entry<String, byte[]> entry) {
        byte[] current = entry.getValue();
        if (current == null || !Arrays.equals(current, expected)) {
            return false;
        }
        ((ExtendedMapEntry<String, byte[]>) entry).setValue(value, ttlMillis, TimeUnit.MILLISECONDS);
        return true;
    }
}
