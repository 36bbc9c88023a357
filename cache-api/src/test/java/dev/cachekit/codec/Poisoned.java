package dev.cachekit.codec;

/** A class that must never be initialized by a codec: its static initializer flips a flag. */
class Poisoned {
    static {
        PoisonFlag.initialized = true;
    }

    int value = 1;
}
