package dev.cachekit.codec;

/** An allowed class whose name has the same length as {@link Poisoned}'s. */
class Harmless {
    int value = 1;
}
