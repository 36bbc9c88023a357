package dev.cachekit.spi;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link Tagger} that works over any {@link Store}: versions are 128-bit random ids stored
 * without expiry under each tag key.
 *
 * <p>Reading versions costs one multi-get, plus one set-if-absent per missing tag. Flushing costs
 * one multi-set, whatever the number of tagged entries.
 */
public final class StoreTagger implements Tagger {

    /** Length in bytes of a tag version. */
    public static final int VERSION_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;

    /**
     * Creates a tagger that keeps versions in {@code store}.
     *
     * @param store the store
     */
    public StoreTagger(Store store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public List<byte[]> versions(List<String> tagKeys) {
        List<byte[]> found = store.getAll(tagKeys);
        List<byte[]> result = new ArrayList<>(found);
        for (int i = 0; i < result.size(); i++) {
            if (result.get(i) != null) {
                continue;
            }
            String key = tagKeys.get(i);
            byte[] fresh = newVersion();
            while (true) {
                if (store.setIfAbsent(key, fresh, Store.NO_EXPIRY)) {
                    result.set(i, fresh);
                    break;
                }
                byte[] winner = store.get(key);
                if (winner != null) {
                    result.set(i, winner);
                    break;
                }
            }
        }
        return result;
    }

    @Override
    public void flush(List<String> tagKeys) {
        Map<String, byte[]> fresh = new LinkedHashMap<>();
        for (String key : tagKeys) {
            fresh.put(key, newVersion());
        }
        store.setAll(fresh, Store.NO_EXPIRY);
    }

    /**
     * Returns a fresh random version.
     *
     * @return {@value #VERSION_BYTES} random bytes
     */
    public static byte[] newVersion() {
        byte[] version = new byte[VERSION_BYTES];
        RANDOM.nextBytes(version);
        return version;
    }
}
