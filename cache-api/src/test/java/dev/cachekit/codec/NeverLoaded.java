package dev.cachekit.codec;

/** Named by hostile bytes in {@link ClassLoadingTest}; no test ever loads it, so the JVM must not. */
class NeverLoaded {
    int value = 1;
}
