package dev.cachekit.codec;

/** Loaded on purpose while {@link ClassLoadingTest} watches class loading, to prove it sees loads. */
class KryoLoadProbe {}
