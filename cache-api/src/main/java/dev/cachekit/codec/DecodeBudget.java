package dev.cachekit.codec;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one decode may still allocate and walk. Lengths are checked when they are declared, before
 * anything of that length is allocated; the collections a value holds are costed as {@code
 * hashCode} and {@code equals} would walk them (a collection shared by many references counts once
 * per reference), so nested shared sets cannot make a reader spin. Not thread-safe: one decode at a
 * time, each starting with {@link #reset}.
 */
final class DecodeBudget {

    private final DecodeLimits limits;
    private int entrySize;
    private long allocationAllowance;
    private long hashWorkAllowance;
    private long declared;
    private long hashWork;
    /** Made when the first collection is costed: most values hold none. */
    private Map<Object, Long> walked;

    DecodeBudget(DecodeLimits limits) {
        this.limits = limits;
    }

    DecodeBudget(DecodeLimits limits, int entrySize) {
        this(limits);
        reset(entrySize);
    }

    /**
     * Starts the budget of a new decode, as a fresh one would.
     *
     * @param entrySize the bytes of the entry about to be decoded
     */
    void reset(int entrySize) {
        this.entrySize = entrySize;
        this.allocationAllowance = DecodeLimits.ALLOCATION_FLOOR + (long) limits.allocationRatio() * entrySize;
        this.hashWorkAllowance = DecodeLimits.HASH_WORK_FLOOR + (long) limits.allocationRatio() * entrySize;
        this.declared = 0;
        this.hashWork = 0;
        // Dropped rather than cleared: it may have grown large, and holds the last value's collections.
        this.walked = null;
    }

    DecodeLimits limits() {
        return limits;
    }

    /**
     * Accepts a declared length, or throws before anything of that length is allocated.
     *
     * @param length the declared number of elements
     * @param bytesPerElement the fewest bytes of the entry one element takes (0 if none)
     * @param remaining the bytes of the entry not read yet
     * @param what what is declared, for the message
     */
    void declare(long length, int bytesPerElement, long remaining, String what) {
        if (length < 0) {
            throw new LimitException("a " + what + " declares a negative length (" + length + ")");
        }
        if (length > limits.maxLength()) {
            throw new LimitException(
                    "a " + what + " declares " + length + " elements, more than maxLength " + limits.maxLength());
        }
        if (length * bytesPerElement > remaining) {
            throw new LimitException("a " + what + " declares " + length + " elements but only " + remaining
                    + " bytes of the entry are left");
        }
        declared += length;
        if (declared > allocationAllowance) {
            throw new LimitException("the entry declares more than " + allocationAllowance
                    + " elements in all (allocationRatio " + limits.allocationRatio() + " per byte of a "
                    + entrySize + "-byte entry)");
        }
    }

    /**
     * Costs a freshly decoded value as hashing it would, before a hashed collection that holds it
     * gets to hash it; throws when the entry's hashing work would exceed its allowance.
     *
     * @param value the decoded value
     */
    void walked(Object value) {
        if (value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof Optional<?>) {
            hashWork += cost(value);
            if (hashWork > hashWorkAllowance) {
                throw tooMuchHashing();
            }
        }
    }

    private LimitException tooMuchHashing() {
        return new LimitException("hashing the entry's collections would visit more than " + hashWorkAllowance
                + " elements (shared nested collections; allocationRatio " + limits.allocationRatio()
                + " per byte of a " + entrySize + "-byte entry)");
    }

    /** Elements hashCode would visit in value; memoized, so computing it is linear in the graph. */
    private long cost(Object value) {
        if (!(value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof Optional<?>)) {
            return 0;
        }
        if (walked == null) {
            walked = new IdentityHashMap<>();
        }
        Long known = walked.get(value);
        if (known != null) {
            if (known < 0) {
                throw new LimitException("a collection contains itself, so it cannot be hashed");
            }
            return known;
        }
        walked.put(value, -1L);
        long total = 1;
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                total = add(total, 1 + cost(element));
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                total = add(total, 2 + cost(entry.getKey()) + cost(entry.getValue()));
            }
        } else {
            total = add(total, cost(((Optional<?>) value).orElse(null)));
        }
        walked.put(value, total);
        return total;
    }

    private long add(long a, long b) {
        long sum = a + b;
        if (sum > hashWorkAllowance || sum < 0) {
            throw tooMuchHashing();
        }
        return sum;
    }

    /** A decoding limit was hit; the codec turns it into a {@code CodecException}. */
    static final class LimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitException(String message) {
            super(message, null, false, false);
        }
    }
}
