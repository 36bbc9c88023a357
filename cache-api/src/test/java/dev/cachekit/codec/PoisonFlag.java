package dev.cachekit.codec;

/** Records whether {@link Poisoned}'s static initializer ever ran. */
final class PoisonFlag {
    static volatile boolean initialized;

    private PoisonFlag() {}
}
